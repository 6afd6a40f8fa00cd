import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { loadLabFixture } from "@/lib/analysis/lab-truth";
import type { Db } from "@/lib/db/client";
import { readFailures } from "./correlate";

/*
 * Correlation reads a log's failures in id ranges (#18), then puts them in time order. The lab's mixed-four log
 * has 75 of them, counted with grep: the distinct correlation ids (9th bracketed field) of its lines with a 502 status
 * or an ECONNRESET code, none of them a 502 the target answered itself (no line reads `[502][][]`):
 *   grep -E '\]\[502\]\[|\]\[ECONNRESET\]\[' *.log | awk -F'\\]\\[' '{print $9}' | sort -u | wc -l
 */
let t: TestEnv;
let id: string;

beforeAll(async () => {
  t = await openTestDb();
  id = await queueBundle(t, loadLabFixture("mixed-four").files);
  await parseQueued(t.handle.prisma, t.dataDir);
}, 120_000);
afterAll(async () => t?.cleanup());

describe("the log's failures as correlation reads them", () => {
  it("are every failure once, in time order, whatever the page size", async () => {
    const db = t.handle.prisma as unknown as Db;
    const whole = await readFailures(db, id);
    expect(whole).toHaveLength(75);
    expect(new Set(whole.map((f) => f.correlationId)).size).toBe(75);
    for (let i = 1; i < whole.length; i++) {
      const [a, b] = [whole[i - 1], whole[i]];
      expect(a.ts < b.ts || (a.ts === b.ts && a.correlationId < b.correlationId)).toBe(true);
    }
    // Ranges sized for 1, 7 or 30 failures: many ranges, some empty, each sized from the one before.
    for (const pageSize of [1, 7, 30]) expect(await readFailures(db, id, pageSize)).toEqual(whole);
  });
});
