/**
 * Counts the `[502]` lines the gateway appends to its logs while the collector captures, and decides when
 * to stop: after `--until-502 N` new ones, or when `--duration` is over, or on Ctrl-C.
 */
import fs from "node:fs";
import path from "node:path";

/**
 * A transaction line whose STATUS (the 13th bracketed field after the time stamp, FORMATS.md §1a) is 502.
 * By position: a client id or correlation id of `502` elsewhere in the line must not count.
 */
const STATUS_502 = /^\S+ (?:\[[^\]\n]*\]){12}\[502\]/gm;

/** 502 lines in a chunk of complete lines. */
export function count502(text: string): number {
  return text.match(STATUS_502)?.length ?? 0;
}

export type StopReason = "502s" | "duration" | "interrupted";

/** The stop rule: N new 502s (when asked for) or the duration over, whichever comes first. */
export function stopReason(s: {
  new502: number;
  until502: number | null;
  elapsedMs: number;
  durationMs: number;
  interrupted: boolean;
}): StopReason | null {
  if (s.interrupted) return "interrupted";
  if (s.until502 !== null && s.new502 >= s.until502) return "502s";
  if (s.elapsedMs >= s.durationMs) return "duration";
  return null;
}

/**
 * Follows the plain logs of a directory from where they are now: only lines written after `start()` count.
 * A log that appears later (rotation, a new worker) is read from its beginning. Partial last lines wait
 * for their newline, so a line written in two pieces is counted once.
 */
export class LogWatcher {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  count = 0;

  constructor(
    private readonly dir: string,
    private readonly match: (name: string) => boolean,
  ) {}

  start(): void {
    for (const f of this.files()) this.offsets.set(f, fs.statSync(f).size);
  }

  /** Reads what was appended since the last poll; returns the 502s seen so far. */
  poll(): number {
    for (const f of this.files()) {
      let size: number;
      try {
        size = fs.statSync(f).size;
      } catch {
        continue; // rotated away between readdir and stat
      }
      let from = this.offsets.get(f) ?? 0;
      if (size < from) from = 0; // truncated and rewritten
      if (size === from) continue;
      const buf = Buffer.alloc(size - from);
      const fd = fs.openSync(f, "r");
      try {
        fs.readSync(fd, buf, 0, buf.length, from);
      } finally {
        fs.closeSync(fd);
      }
      this.offsets.set(f, size);
      const text = (this.partial.get(f) ?? "") + buf.toString("latin1");
      const cut = text.lastIndexOf("\n") + 1;
      this.partial.set(f, text.slice(cut));
      this.count += count502(text.slice(0, cut));
    }
    return this.count;
  }

  private files(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter(this.match)
      .map((n) => path.join(this.dir, n));
  }
}
