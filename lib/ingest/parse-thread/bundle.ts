import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * The parse thread's code: one ES module built by scripts/parse-thread/build.mjs (plain Node loads it, under
 * `next start` as under tsx or vitest). Built again, once per process, when it is missing or a source is newer,
 * so a test or a script never runs a stale parser. Paths are from the project root, where every entry point runs.
 */
const OUT = path.resolve("scripts/parse-thread/dist/parse-thread.mjs");
const BUILD = path.resolve("scripts/parse-thread/build.mjs");

async function fresh(): Promise<boolean> {
  try {
    const built = (await stat(OUT)).mtimeMs;
    const inputs = JSON.parse(await readFile(`${OUT}.inputs.json`, "utf8")) as string[];
    const times = await Promise.all(
      inputs.map((p) =>
        stat(p).then(
          (s) => s.mtimeMs,
          () => Infinity,
        ),
      ),
    );
    return times.every((t) => t <= built);
  } catch {
    return false;
  }
}

let ready: Promise<string> | null = null;

export function parseThreadEntry(): Promise<string> {
  ready ??= (async () => {
    if (!(await fresh())) await promisify(execFile)(process.execPath, [BUILD]);
    return OUT;
  })();
  ready.catch(() => (ready = null));
  return ready;
}
