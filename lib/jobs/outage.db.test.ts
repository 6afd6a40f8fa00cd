/**
 * A database outage in the middle of a parse job: the final write fails, and the job must not stay `running`
 * (its file `parsing`) until its lock goes stale 10 minutes later. The outage is simulated in front of the real
 * database: for 1.5 s from the job's final transaction on, every call fails as a dropped connection would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { startWorker } from "./worker";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

/** `db` whose every call rejects while `state.down`; the first interactive `$transaction` (the job's final write) starts a 1.5 s outage. */
function withOutage(db: Db, state: { down: boolean; outages: number }): Db {
  const fail = () => Promise.reject(new Error("Connection terminated unexpectedly"));
  const wrap = <T extends object>(target: T, top: boolean): T =>
    new Proxy(target, {
      get(obj, prop) {
        const value = Reflect.get(obj, prop, obj);
        if (typeof value === "function") {
          return (...args: unknown[]) => {
            // The job's final write is the one interactive transaction (status, counts and incident meta at once).
            if (top && prop === "$transaction" && typeof args[0] === "function" && state.outages === 0) {
              state.outages++;
              state.down = true;
              setTimeout(() => (state.down = false), 1_500);
            }
            return state.down ? fail() : value.apply(obj, args);
          };
        }
        return top && value && typeof value === "object" && typeof prop === "string" && !prop.startsWith("_")
          ? wrap(value, false)
          : value;
      },
    });
  return wrap(db, true);
}

describe("a database outage under a parse job", () => {
  it("puts the job back in the queue once the database answers, at no attempt's cost, and the file finishes", async () => {
    const db = t.handle.prisma;
    await db.incident.create({ data: { id: "inc_outage", title: "outage" } });
    // No stored copy: the job fails its file quickly with that reason, through the same final write as a parse.
    await db.bundleFile.create({
      data: {
        id: "f_outage",
        incidentId: "inc_outage",
        name: "gw.log",
        sha256: "0".repeat(64),
        size: 1n,
        kind: "gateway-log",
        status: "queued",
      },
    });
    await db.parseJob.create({ data: { incidentId: "inc_outage", fileId: "f_outage" } });
    const state = { down: false, outages: 0 };
    const worker = startWorker({ db: withOutage(db, state), dataDir: t.dataDir, concurrency: 1, pollMs: 50 });
    try {
      // The file's status is written first, the job's right after: wait for both (or 20 s; the old code left both
      // `parsing` / `running` for 10 minutes).
      const read = () =>
        Promise.all([
          db.bundleFile.findUniqueOrThrow({ where: { id: "f_outage" } }),
          db.parseJob.findUniqueOrThrow({ where: { fileId: "f_outage" } }),
        ]);
      const deadline = Date.now() + 20_000;
      let [file, job] = await read();
      while (
        Date.now() < deadline &&
        (["queued", "parsing"].includes(file.status) || ["queued", "running"].includes(job.status))
      ) {
        await new Promise((r) => setTimeout(r, 100));
        [file, job] = await read();
      }
      expect(state.outages).toBe(1);
      expect(file.status).toBe("failed");
      expect(file.error).toMatch(/stored copy of this file is missing/);
      expect(job).toMatchObject({ status: "failed", attempts: 1, lockedBy: null });
    } finally {
      await worker.stop();
    }
  });
});
