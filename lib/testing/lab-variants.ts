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
    // A line that opens with no time stamp goes on with the one before (a newline in an error message): kept with it.
    let keep = false;
    const kept = readFileSync(f, "utf8")
      .split("\n")
      .filter((line) => (keep = /^\d{4}-\d\d-\d\dT/.test(line) ? /^\S+ (\[error\]|stats )/.test(line) : keep));
    writeFileSync(out, kept.join("\n") + "\n");
    return out;
  });
}

/** Log times (epoch ms) of the gateway's 502 / 504 lines, in order. */
function failureTimes(files: string[]): number[] {
  const times: number[] = [];
  for (const f of files.filter((x) => x.endsWith(".log")))
    for (const m of readFileSync(f, "utf8").matchAll(/^(\S+) \[error\]\[[^\]]*\](?:\[[^\]]*\]){10}\[50[24]\]\[/gm))
      times.push(Date.parse(m[1]));
  return times.sort((a, b) => a - b);
}

/**
 * The recording's files with each capture cut at the log time of its middle failure: `before` ends there (5 ms
 * before the line, so that failure's close is lost as by a tcpdump stopped right after it), `after` starts there
 * (the connections open at that moment come without their SYN). Null when the log holds fewer than two failures.
 * Needs Wireshark's editcap (the lab's machine has it).
 */
export function cutCaptures(name: string, files: string[], dir: string, side: "before" | "after"): string[] | null {
  const times = failureTimes(files);
  if (times.length < 2) return null;
  const at = times[Math.floor(times.length / 2)] - (side === "before" ? 5 : 0);
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
 * away). A line that opens with no time stamp goes with the one before. Null when the log holds fewer than two failures.
 */
export function cutLogs(name: string, files: string[], dir: string, side: "before" | "after"): string[] | null {
  const times = failureTimes(files);
  if (times.length < 2) return null;
  const at = times[Math.floor(times.length / 2)] - (side === "before" ? 5 : 0);
  return files.map((f) => {
    if (!f.endsWith(".log")) return f;
    const out = path.join(dir, `${name}-log-${side}-${path.basename(f)}`);
    let keep = false;
    const kept = readFileSync(f, "utf8")
      .split("\n")
      .filter((line) => {
        const m = /^(\d{4}-\d\d-\d\dT\S+)/.exec(line);
        if (m) keep = side === "before" ? Date.parse(m[1]) < at : Date.parse(m[1]) >= at;
        return keep;
      });
    writeFileSync(out, kept.join("\n") + (kept.length ? "\n" : ""));
    return out;
  });
}
