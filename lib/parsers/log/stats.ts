/**
 * Turns cumulative per-process stats lines into per-line deltas (docs/formats.md §1b).
 * A new pid, or any cumulative counter going down (restart with a reused pid), starts a
 * new series from zero, so the line's own counters are its delta, unless the file began after
 * that process started (a rotated or cut log): then the line is the series' baseline.
 */
import type { EventLine, StatsDelta, StatsLine, StatsTotals } from "./types";

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

/** What a process's lines in this file show of its counters: its error answers and, at level info, its target requests. */
interface Shown {
  errors: number;
  targetRequests: number;
}

export class StatsAccumulator {
  private last = new Map<string, Counters>();
  private sum: Counters = zero();
  private shown = new Map<string, Shown>();
  private infoLevel = false;

  /**
   * Counts what the file shows of each process's counters. microgateway-core counts treqErrors once per error its
   * errors-middleware logs (a `microgateway-core` line at level error, written at every level) and requests once per
   * `targetRequest` line (level info): a process's first stats line equals those counts when the file holds the
   * process's whole life (all 524 stats lines of the lab's and blind recordings).
   */
  observe(e: EventLine): void {
    const gatewayError = e.level === "error" && e.component === "microgateway-core";
    const targetRequest = e.message === "targetRequest";
    if (!gatewayError && !targetRequest) return;
    const s = this.shown.get(e.pid) ?? { errors: 0, targetRequests: 0 };
    if (gatewayError) s.errors++;
    if (targetRequest) {
      s.targetRequests++;
      this.infoLevel = true;
    }
    this.shown.set(e.pid, s);
  }

  /** Whether a process's first stats line counts more than the file shows of it: the process started before the file. */
  private startedBefore(s: StatsLine): boolean {
    const shown = this.shown.get(s.pid) ?? { errors: 0, targetRequests: 0 };
    return s.treqErrors > shown.errors || (this.infoLevel && s.requests > shown.targetRequests);
  }

  add(s: StatsLine): StatsDelta {
    const cur = countersOf(s);
    const prev = this.last.get(s.pid);
    // The counts since the process started are not this file's: they only set the zero its next lines count from.
    const baseline = prev === undefined && this.startedBefore(s);
    let restarted = prev === undefined && !baseline;
    if (prev !== undefined) {
      for (const k of KEYS) {
        if (cur[k] < prev[k]) {
          restarted = true;
          break;
        }
      }
    }
    const base = baseline ? cur : restarted || !prev ? zero() : prev;
    const d: StatsDelta = { ts: s.ts, pid: s.pid, restarted, baseline, ...zero() };
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
