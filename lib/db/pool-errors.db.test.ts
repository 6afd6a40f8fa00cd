/**
 * PostgreSQL drops every connection (a restart, a failover): the pools must survive it. Before, the bulk pool had
 * no `error` listener, so an idle connection's termination was an uncaught exception that killed the process
 * (`npm run worker` died on every PostgreSQL restart). PGlite has no connections to lose: skipped there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openDb, type DbHandle } from "./client";
import { bulkQuery } from "./bulk-raw";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";

const url = process.env.DATABASE_URL;
let t: TestEnv | undefined;
let h: DbHandle | undefined;
beforeAll(async () => {
  if (!url) return;
  t = await openTestDb();
  h = openDb({ databaseUrl: url });
});
afterAll(async () => {
  await h?.close();
  await t?.cleanup();
});

describe.skipIf(!url)("connections dropped by the server", () => {
  it("are logged, not thrown at the process, and the next queries reconnect", async () => {
    const db = h!.prisma;
    await bulkQuery(db)("SELECT 1", []);
    await db.$queryRaw`SELECT 1`;
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      await admin.end();
      expect(rows[0].n).toBeGreaterThanOrEqual(2); // the Prisma pool's and the bulk pool's connections at least
      await new Promise((r) => setTimeout(r, 500));
      expect(uncaught).toEqual([]);
      await bulkQuery(db)("SELECT 1", []);
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
