/** Lab recordings as users also send them: missing a part, or with the log cut to what level error writes. */
import { execFileSync } from "node:child_process";
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
    writeFileSync(out, keepLines(f, (line) => /^\S+ (\[error\]|stats )/.test(line)).join("\n") + "\n");
    return out;
  });
}

/**
 * A log file's lines whose stamped line `keep` accepts: a line that opens with no time stamp goes on with the one
 * before (a newline in an error message, a stack) and is kept with it.
 */
function keepLines(file: string, keep: (stamped: string) => boolean): string[] {
  let kept = false;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => (kept = /^\d{4}-\d\d-\d\dT/.test(line) ? keep(line) : kept));
}

/**
 * Where a cut at the middle failure falls: the log time of that 502 / 504 line, 5 ms before it for `before` (its close
 * lost, as by a tcpdump or log stopped right after it). Null when the log holds fewer than two failures.
 */
function middleFailureCut(files: string[], side: "before" | "after"): number | null {
  const times: number[] = [];
  for (const f of files.filter((x) => x.endsWith(".log")))
    for (const m of readFileSync(f, "utf8").matchAll(/^(\S+) \[error\]\[[^\]]*\](?:\[[^\]]*\]){10}\[50[24]\]\[/gm))
      times.push(Date.parse(m[1]));
  if (times.length < 2) return null;
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] - (side === "before" ? 5 : 0);
}

/**
 * The recording's files with each capture cut at the log time of its middle failure: `before` ends there (5 ms
 * before the line, so that failure's close is lost as by a tcpdump stopped right after it), `after` starts there
 * (the connections open at that moment come without their SYN). Null when the log holds fewer than two failures.
 * Needs Wireshark's editcap (the lab's machine has it).
 */
export function cutCaptures(name: string, files: string[], dir: string, side: "before" | "after"): string[] | null {
  const at = middleFailureCut(files, side);
  if (at === null) return null;
  return files.map((f) => {
    if (!f.endsWith(".pcap")) return f;
    const out = path.join(dir, `${name}-${side}-${path.basename(f)}`);
    execFileSync("editcap", [side === "before" ? "-B" : "-A", (at / 1000).toFixed(3), f, out], { stdio: "pipe" });
    return out;
  });
}

/**
 * The recording's files with each log cut at the log time of its middle failure, the capture whole: `before` keeps
 * the lines until 5 ms before it (a bundle whose log stopped there), `after` those from it on (the earlier file rotated
 * away). Null when the log holds fewer than two failures.
 */
export function cutLogs(name: string, files: string[], dir: string, side: "before" | "after"): string[] | null {
  const at = middleFailureCut(files, side);
  if (at === null) return null;
  return files.map((f) => {
    if (!f.endsWith(".log")) return f;
    const out = path.join(dir, `${name}-log-${side}-${path.basename(f)}`);
    const kept = keepLines(f, (line) => {
      const ts = Date.parse(line.slice(0, line.indexOf(" ")));
      return side === "before" ? ts < at : ts >= at;
    });
    writeFileSync(out, kept.join("\n") + (kept.length ? "\n" : ""));
    return out;
  });
}
