import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetEnv } from "@/lib/env";
import { openAppDb, openDb, type DbHandle } from "./client";
import { bulkQuery } from "./bulk-raw";
import { applyMigrations } from "./migrate";

/**
 * The app's PGlite (openAppDb, as `npm start` opens it) runs its statements in a thread of its own: this thread's
 * event loop keeps turning while a long statement runs (issue 18). The same measure on PGlite in process (the
 * control) shows the loop stopped, so the check can tell the two apart.
 */

// CPU-bound in Postgres for a few hundred ms, no I/O to wait on.
const LONG = `SELECT count(DISTINCT md5(i::text)) AS n FROM generate_series(1, 400000) AS i`;

/** How often a 10 ms timer fired while `run` was in progress, against how often it could have. */
async function loopTurnsDuring(run: () => Promise<unknown>): Promise<{ ms: number; ratio: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  return { ms, ratio: ticks / (ms / 10) };
}

describe.skipIf(!!process.env.DATABASE_URL)("PGlite of the app runs off the main thread", () => {
  let app: DbHandle;
  let inProcess: DbHandle;
  let dataDir: string;
  const saved = process.env.DATA_DIR;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "emg-dbthread-"));
    process.env.DATA_DIR = dataDir;
    forgetEnv();
    app = openAppDb();
    inProcess = openDb({});
    await Promise.all([applyMigrations(app.factory), applyMigrations(inProcess.factory)]);
  });

  afterAll(async () => {
    await app?.close();
    await inProcess?.close();
    if (saved === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = saved;
    forgetEnv();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the event loop turning during a long Prisma query, unlike PGlite in process", async () => {
    const control = await loopTurnsDuring(() => inProcess.prisma.$queryRawUnsafe(LONG));
    const threaded = await loopTurnsDuring(() => app.prisma.$queryRawUnsafe(LONG));
    // The statement is long enough to measure, and in process it stops the loop (the method can fail).
    expect(control.ms).toBeGreaterThan(150);
    expect(control.ratio).toBeLessThan(0.2);
    expect(threaded.ms).toBeGreaterThan(150);
    expect(threaded.ratio).toBeGreaterThan(0.5);
  });

  it("runs bulk statements in the thread, and answers queries meanwhile", async () => {
    const bulk = bulkQuery(app.prisma)(LONG, []);
    // A small query asked during the bulk statement waits for it (one connection), then answers.
    const small = app.prisma.incident.count();
    const turns = await loopTurnsDuring(() => Promise.all([bulk, small]));
    expect(await small).toBe(0);
    expect(turns.ratio).toBeGreaterThan(0.5);
  });

  it("keeps data across a reopen of the data directory, and closes cleanly", async () => {
    await app.prisma.$executeRawUnsafe(`CREATE TABLE thread_probe (x int)`);
    await bulkQuery(app.prisma)(`INSERT INTO thread_probe SELECT * FROM unnest($1::int[])`, [[1, 2, 3]]);
    await app.close();
    app = openAppDb();
    const rows = await app.prisma.$queryRawUnsafe<{ s: number }[]>(`SELECT sum(x)::int AS s FROM thread_probe`);
    expect(rows[0].s).toBe(6);
  });
});
