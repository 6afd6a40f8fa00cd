/**
 * Turns cumulative per-process stats lines into per-line deltas (docs/formats.md §1b).
 * A new pid, or any cumulative counter going down (restart with a reused pid), starts a
 * new series from zero, so the line's own counters are its delta.
 */
import type { StatsDelta, StatsLine, StatsTotals } from "./types";

interface Counters {
  requests: number;
  responses: number;
  treqErrors: number;
  tresErrors: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
}

const KEYS: (keyof Counters)[] = ["requests", "responses", "treqErrors", "tresErrors", "s1", "s2", "s3", "s4", "s5"];

function countersOf(s: StatsLine): Counters {
  const c = s.statusCodes;
  return {
    requests: s.requests,
    responses: s.responses,
    treqErrors: s.treqErrors,
    tresErrors: s.tresErrors,
    s1: c.s1,
    s2: c.s2,
    s3: c.s3,
    s4: c.s4,
    s5: c.s5,
  };
}

function zero(): Counters {
  return { requests: 0, responses: 0, treqErrors: 0, tresErrors: 0, s1: 0, s2: 0, s3: 0, s4: 0, s5: 0 };
}

export class StatsAccumulator {
  private last = new Map<string, Counters>();
  private sum: Counters = zero();

  add(s: StatsLine): StatsDelta {
    const cur = countersOf(s);
    const prev = this.last.get(s.pid);
    let restarted = prev === undefined;
    if (prev !== undefined) {
      for (const k of KEYS) {
        if (cur[k] < prev[k]) {
          restarted = true;
          break;
        }
      }
    }
    const base = restarted || prev === undefined ? zero() : prev;
    const d: StatsDelta = { ts: s.ts, pid: s.pid, restarted, ...zero() };
    for (const k of KEYS) {
      d[k] = cur[k] - base[k];
      this.sum[k] += d[k];
    }
    this.last.set(s.pid, cur);
    return d;
  }

  totals(): StatsTotals {
    return { ...this.sum };
  }
}
