import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { loadLabFixture } from "@/lib/analysis/lab-truth";
import type { Db } from "@/lib/db/client";
import { correlateIncident } from "./correlate";

/*
 * Two correlations of one incident at once (two files finishing together, or a person's offset while a file
 * finishes): the one that read first must not leave its matches as the last word. Here the first one reads, then,
 * before it stores, the offset is set an hour off and a second correlation runs to the end; the first then stores.
 */
let t: TestEnv;
let id: string;
const matched = async () =>
  (
    await t.handle.prisma.tcpConnection.findMany({
      where: { incidentId: id, matchedCorrelationId: { not: null } },
      select: { id: true, matchedCorrelationId: true },
      orderBy: { id: "asc" },
    })
  ).map((c) => `${c.id}:${c.matchedCorrelationId}`);

beforeAll(async () => {
  t = await openTestDb();
  const { files } = loadLabFixture("race-1s");
  id = await queueBundle(t, files);
  await parseQueued(t.handle.prisma, t.dataDir);
}, 120_000);
afterAll(async () => t?.cleanup());

describe("correlations of one incident that overlap", () => {
  it("end with the matches of what is there now, not of what the first one read", async () => {
    const db = t.handle.prisma as unknown as Db;
    const before = await matched();
    expect(before.length).toBeGreaterThan(0);
    let raced = false;
    const racing = new Proxy(db, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop !== "$transaction" || raced) return typeof value === "function" ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          raced = true;
          await db.incident.update({ where: { id }, data: { clockOffsetMs: 3_600_000 } });
          await correlateIncident(db, id);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    await correlateIncident(racing, id);
    expect(raced).toBe(true);
    const after = await matched();
    // An hour off, no close lies near a failure: the second correlation's answer, and a fresh one's.
    expect(after).toEqual([]);
    await correlateIncident(db, id);
    expect(await matched()).toEqual(after);
  });
});
