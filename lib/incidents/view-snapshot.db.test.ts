/**
 * A view read while the bundle's last file finishes: whichever statement of the view the job's final transaction
 * commits before, a view that says nothing is pending shows the whole bundle's time range. Found by
 * e2e/crash.spec.ts on PGlite (1 run in 6): the incident was read before the capture's last commit, its files after.
 */
import { expect, it } from "vitest";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery } from "@prisma/driver-adapter-utils";
import { testDbForFile } from "@/lib/testing/test-db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { refreshIncidentMeta } from "@/lib/ingest/incident-meta";
import { getIncidentView } from "./view";

const t = testDbForFile();

/** A client on the same database that awaits `before` ahead of each statement it sends. */
function clientWithHook(factory: SqlMigrationAwareDriverAdapterFactory, before: () => Promise<void>): PrismaClient {
  const hooked = (a: SqlDriverAdapter): SqlDriverAdapter =>
    new Proxy(a, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop === "queryRaw" || prop === "executeRaw")
          return async (q: SqlQuery) => {
            await before();
            return (v as (q: SqlQuery) => unknown).call(target, q);
          };
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const adapter = new Proxy(factory, {
    get(target, prop) {
      if (prop === "connect") return async () => hooked(await target.connect());
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return new PrismaClient({ adapter });
}

const LOG = { firstTs: 1_000_000, lastTs: 2_000_000 };
const CAPTURE = { firstTs: 1_500_000, lastTs: 3_000_000 };

async function bundleWithCaptureParsing(db: Db, incidentId: string) {
  await db.incident.create({ data: { id: incidentId, title: "x" } });
  await db.bundleFile.create({
    data: {
      id: `${incidentId}-log`,
      incidentId,
      name: "a.log",
      sha256: "a",
      size: 1,
      kind: "gateway-log",
      status: "parsing",
    },
  });
  await db.bundleFile.create({
    data: {
      id: `${incidentId}-cap`,
      incidentId,
      name: "b.pcap",
      sha256: "b",
      size: 1,
      kind: "pcap",
      status: "parsing",
    },
  });
  await db.$transaction(async (tx) => {
    await tx.bundleFile.update({ where: { id: `${incidentId}-log` }, data: { status: "done", counts: LOG } });
    await refreshIncidentMeta(tx as unknown as Db, incidentId);
  });
}

/** What run-file-job does last: the file done and the incident's range, in one transaction. */
const finishCapture = (db: Db, incidentId: string) =>
  db.$transaction(async (tx) => {
    await tx.bundleFile.update({ where: { id: `${incidentId}-cap` }, data: { status: "done", counts: CAPTURE } });
    await refreshIncidentMeta(tx as unknown as Db, incidentId);
  });

it("a view that reads nothing pending reads the last file's time range, wherever that file's commit falls", async () => {
  const db = t.handle.prisma;
  let tried = 0;
  for (let k = 1; ; k++) {
    const incidentId = `snapshot-${k}`;
    await bundleWithCaptureParsing(db, incidentId);
    let statements = 0;
    const reader = clientWithHook(t.handle.factory, async () => {
      if (++statements === k) await finishCapture(db, incidentId);
    });
    const view = await getIncidentView(reader, incidentId).finally(() => reader.$disconnect());
    if (statements < k) break; // the view ran fewer statements than k: every place was tried
    tried++;
    if (!view?.pending) expect(view?.summary.lastTs, `capture finished before statement ${k}`).toBe(CAPTURE.lastTs);
  }
  expect(tried).toBeGreaterThan(2);
});
