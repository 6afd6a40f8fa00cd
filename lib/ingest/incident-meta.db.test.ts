/**
 * Two files of one incident finishing at once (PARSE_CONCURRENCY 2): each job sets its file done and refreshes the
 * incident's time range in one transaction. Found by e2e/crash.spec.ts on PostgreSQL: each transaction read only its
 * own file as done, and the last write dropped the other's range.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import type { Db } from "@/lib/db/client";
import { refreshIncidentMeta } from "./incident-meta";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("two files finishing together both count in the incident's time range", async () => {
  const db = t.handle.prisma;
  const incidentId = "meta-race";
  await db.incident.create({ data: { id: incidentId, title: "x" } });
  const ranges = { a: [1_000_000, 2_000_000], b: [1_500_000, 3_000_000] };
  for (const id of Object.keys(ranges))
    await db.bundleFile.create({
      data: { id, incidentId, name: `${id}.log`, sha256: id, size: 1, kind: "gateway-log", status: "parsing" },
    });
  // Each file's status changes, then (after the other's has) its transaction refreshes the incident.
  await Promise.all(
    Object.entries(ranges).map(([id, [firstTs, lastTs]]) =>
      db.$transaction(async (tx) => {
        await tx.bundleFile.update({ where: { id }, data: { status: "done", counts: { firstTs, lastTs } } });
        await sleep(200);
        await refreshIncidentMeta(tx as unknown as Db, incidentId);
      }),
    ),
  );
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  expect([incident.firstTs?.getTime(), incident.lastTs?.getTime()]).toEqual([1_000_000, 3_000_000]);
});
