import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * The worker threads' code: ES modules built by scripts/threads/build.mjs (plain Node loads them, under `next start`
 * as under tsx or vitest). Built again, once per process, when one is missing or a source is newer, so a test or a
 * script never runs a stale thread. Paths are from the project root, where every entry point runs.
 */
export type ThreadName = "parse-thread" | "db-thread";
const NAMES: ThreadName[] = ["parse-thread", "db-thread"];
const outOf = (name: ThreadName) => path.resolve(`scripts/threads/dist/${name}.mjs`);
const BUILD = path.resolve("scripts/threads/build.mjs");

async function fresh(name: ThreadName): Promise<boolean> {
  try {
    const out = outOf(name);
    const built = (await stat(out)).mtimeMs;
    const inputs = JSON.parse(await readFile(`${out}.inputs.json`, "utf8")) as string[];
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

let ready: Promise<void> | null = null;

/** The file a Worker of this thread loads, built first when stale (one build for all threads). */
export async function threadEntry(name: ThreadName): Promise<string> {
  ready ??= (async () => {
    const stale = await Promise.all(NAMES.map((n) => fresh(n).then((ok) => !ok)));
    if (stale.some(Boolean)) await promisify(execFile)(process.execPath, [BUILD]);
  })();
  ready.catch(() => (ready = null));
  await ready;
  return outOf(name);
}
