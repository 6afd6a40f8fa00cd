/** Lab recordings as users also send them: missing a part, or with the log cut to what level error writes. */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Bundles missing a part: the log and config without the capture, the capture and config without the log. */
export const PARTIAL = {
  log: (f: string) => !f.endsWith(".pcap"),
  capture: (f: string) => !f.endsWith(".log"),
};

/**
 * The recording's files with its log as level error leaves it, written under `dir`: error and stats lines only
 * (race-1s-error-level, recorded so, holds nothing else).
 */
export function errorsOnly(name: string, files: string[], dir: string): string[] {
  return files.map((f) => {
    if (!f.endsWith(".log")) return f;
    const out = path.join(dir, `${name}-errors-${path.basename(f)}`);
    // A line that opens with no time stamp goes on with the one before (a newline in an error message): kept with it.
    let keep = false;
    const kept = readFileSync(f, "utf8")
      .split("\n")
      .filter((line) => (keep = /^\d{4}-\d\d-\d\dT/.test(line) ? /^\S+ (\[error\]|stats )/.test(line) : keep));
    writeFileSync(out, kept.join("\n") + "\n");
    return out;
  });
}
