/**
 * The collector's preconditions, checked before anything starts, each with what to do about it.
 * Pure: the facts (uid, where tcpdump is, free space) are gathered by the caller.
 */
import fs from "node:fs";
import path from "node:path";

export interface HostFacts {
  uid: number | null;
  tcpdump: string | null;
  freeBytes: number | null;
  outDir: string;
}

/** Room kept free for the capture: a few minutes of busy gateway↔target traffic. */
export const CAPTURE_RESERVE_BYTES = 200 * 1024 * 1024;

export function preflightProblems(f: HostFacts, need: { capture: boolean; bundleBytes: number }): string[] {
  const out: string[] = [];
  if (need.capture) {
    if (!f.tcpdump)
      out.push(
        "tcpdump is not installed (or not on PATH). Install it (apt-get install tcpdump / yum install tcpdump), or run with --no-capture to send logs and config only.",
      );
    if (f.uid !== null && f.uid !== 0)
      out.push(
        "Capturing needs root: run the command with sudo, or run with --no-capture to send logs and config only.",
      );
  }
  const needed = need.bundleBytes + (need.capture ? CAPTURE_RESERVE_BYTES : 0);
  if (f.freeBytes !== null && f.freeBytes < needed)
    out.push(
      `Not enough disk space in ${f.outDir}: ${mb(f.freeBytes)} free, about ${mb(needed)} needed. Free some space or run from another directory (--out DIR/FILE.tar.gz).`,
    );
  return out;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** tcpdump on PATH, or in the sbin dirs a non-login root shell may lack. */
export function findTcpdump(envPath: string | undefined): string | null {
  const dirs = [...(envPath ?? "").split(path.delimiter).filter(Boolean), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const d of dirs) {
    const p = path.join(d, "tcpdump");
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
