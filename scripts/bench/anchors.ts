// The tools engineers already use, timed on the same files as the bench's own figures (issue 18's anchors):
// lnav parsing the gateway log with the format under scripts/bench/lnav and aggregating per target, and
// `tshark -q -z conv,tcp` on the capture. Each returns null when the tool is not installed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const installed = (cmd: string, flag: string) => spawnSync(cmd, [flag], { stdio: "ignore" }).status === 0;

/** Wall time of a command and its stdout. Output goes to a pipe: GNU grep stops at the first match when stdout is /dev/null. */
export function timeCommand(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const stdout = execFileSync(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 30,
    encoding: "utf8",
    env: env ?? process.env,
  });
  return { seconds: (performance.now() - t0) / 1000, stdout };
}

export interface LnavAnchor {
  seconds: number;
  matchedLines: number;
  targets: Array<{ target: string; lines: number; s502: number }>;
}

/** Per-target aggregate of the log's lines: what the incident page's target table is built from. */
export const LNAV_QUERY =
  ";SELECT host AS target, count(*) AS lines, sum(status = '502') AS s502, sum(err_code = 'ECONNRESET') AS resets, " +
  "avg(cast(nullif(duration_ms, '') AS integer)) AS avg_ms FROM edgemicro_log GROUP BY host ORDER BY lines DESC";

export function lnavAnchor(file: string): LnavAnchor | null {
  if (!installed("lnav", "-V")) return null;
  // A HOME of its own: lnav keeps session state and an index cache under ~/.lnav.
  const home = mkdtempSync(path.join(os.tmpdir(), "emg-bench-lnav-"));
  try {
    const formats = path.resolve("scripts/bench/lnav");
    const r = timeCommand("lnav", ["-n", "-I", formats, "-c", LNAV_QUERY, "-c", ":write-csv-to -", file], {
      ...process.env,
      HOME: home,
    });
    const [, ...rows] = r.stdout.trim().split("\n");
    const targets = rows.map((row) => {
      const [target, lines, s502] = row.split(",");
      return { target, lines: Number(lines), s502: Number(s502) };
    });
    return { seconds: r.seconds, matchedLines: targets.reduce((n, t) => n + t.lines, 0), targets };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function tsharkAnchor(file: string): { seconds: number } | null {
  if (!installed("tshark", "-v")) return null;
  return { seconds: timeCommand("tshark", ["-q", "-z", "conv,tcp", "-r", file]).seconds };
}
