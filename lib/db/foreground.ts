import "server-only";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { PGlite } from "@electric-sql/pglite";
import type { BulkQuery } from "./bulk-raw";

/**
 * PGlite runs one statement at a time on the server's thread, in the order they arrive. A page's queries come one
 * after another, each issued when the previous answered; an ingest writing a slice per loop turn queues its next
 * insert in between, so each of the page's queries waited for one insert (#18: the page's p99 while parsing was
 * about its query count times one slice). The writer now asks `quiet()` before each statement: it lets the page's
 * queries go first while any runs, or one ended within GRACE_MS (the page's code between two queries), but never
 * holds the writer more than MAX_DEFER_MS per statement, so a page polled without pause cannot stall an ingest.
 * Each of those statements also starts on a turn of the event loop of its own: PGlite answers through promises
 * alone, so a chain of them (the end of an ingest: correlation, the incident's summary, the verdict: ~250 ms on a
 * 157 MB capture) kept a page's request from being read until the last one.
 */
const GRACE_MS = 15;
const MAX_DEFER_MS = 250;
const POLL_MS = 5;

class ForegroundGate {
  private running = 0;
  private lastEnd = 0;

  /** Counts `work` (a page's query) as foreground while it runs. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    return work().finally(() => {
      this.running--;
      this.lastEnd = performance.now();
    });
  }

  /** Resolves once no foreground query ran for GRACE_MS, or after MAX_DEFER_MS. */
  async quiet(): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      const busy = this.running > 0 || now - this.lastEnd < GRACE_MS;
      if (!busy || now - start >= MAX_DEFER_MS) return;
      await sleep(POLL_MS);
    }
  }
}

/**
 * One PGlite instance seen two ways: `forAdapter`, whose statements and transactions count as foreground (the
 * Prisma adapter's: pages, and the ingest's own small updates), and `bulk`, which lets them go first.
 */
export function gatedPglite(pglite: PGlite): { forAdapter: PGlite; bulk: BulkQuery } {
  const gate = new ForegroundGate();
  const tracked = new Set<PropertyKey>(["query", "exec", "transaction"]);
  const forAdapter = new Proxy(pglite, {
    get(target, prop) {
      // Methods run on the instance itself: PGlite keeps private fields a proxy as `this` could not reach.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!tracked.has(prop)) return method.bind(target);
      return (...args: unknown[]) =>
        gate.track(async () => {
          await nextTurn();
          return method.apply(target, args) as Promise<unknown>;
        });
    },
  });
  const bulk: BulkQuery = async (sql, params) => {
    await gate.quiet();
    return pglite.query(sql, params);
  };
  return { forAdapter, bulk };
}
