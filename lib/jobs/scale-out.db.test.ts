import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { blobStore, createIncident, type StoredUpload } from "@/lib/ingest/bundle";
import { synthesizeLog } from "@/scripts/bench/synth-log";

/*
 * Scale-out as deployed (README "Deployment"): three `npm run worker` processes, each with its own
 * database client, share one ParseJob table on PostgreSQL and one blob directory. Every job must be
 * claimed exactly once (FOR UPDATE SKIP LOCKED), and every file's rows must be there exactly once.
 * PGlite belongs to one process, so this runs only with DATABASE_URL.
 */
const url = process.env.DATABASE_URL;
const FILES = 12;
const LINES = 20_000;

let t: TestEnv;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  if (url) t = await openTestDb();
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))));
  await t?.cleanup();
});

function startWorkerProcess(dataDir: string): ChildProcess {
  const root = path.resolve(import.meta.dirname, "../..");
  // What `npm run worker` runs: the launcher (heap ceiling, signals passed on) and scripts/worker.ts under it.
  const child = spawn(process.execPath, ["scripts/run-worker.mjs"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, PARSE_CONCURRENCY: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  workers.push(child);
  return child;
}

describe.skipIf(!url)("several worker processes on PostgreSQL", () => {
  it("drain one job table: each job runs once, on more than one worker, no row twice", async () => {
    const store = blobStore(t.dataDir);
    const stored: StoredUpload[] = [];
    const expectedTx = new Map<string, number>();
    for (let i = 0; i < FILES; i++) {
      const file = path.join(t.dataDir, `edgemicro-w${i}-1-api.log`);
      // Different lengths make different files (content-addressed store).
      await synthesizeLog(file, LINES + i * 500);
      const put = await store.put(createReadStream(file));
      stored.push({ name: path.basename(file), sha256: put.sha256, size: put.size });
    }
    // Independent count of transactions per file: distinct correlation ids (the 8 hex digits before "-4fa5").
    for (const s of stored) {
      const text = await new Promise<string>((res) => {
        let acc = "";
        createReadStream(store.pathOf(s.sha256), "utf8")
          .on("data", (c) => (acc += c))
          .on("end", () => res(acc));
      });
      expectedTx.set(s.name, new Set(text.match(/\]\[[0-9a-f]{8}-4fa5-/g)).size);
    }

    const ready = Array.from({ length: 3 }, () => {
      const w = startWorkerProcess(t.dataDir);
      return new Promise<void>((resolve) =>
        w.stdout!.on("data", (d: Buffer) => d.toString().includes("running") && resolve()),
      );
    });
    await Promise.all(ready);
    const incident = await createIncident(t.handle.prisma, store, stored);

    // Watch the job table until it is drained, noting which worker held each job.
    const holders = new Map<string, Set<string>>();
    const db = t.handle.prisma;
    for (;;) {
      const jobs = await db.parseJob.findMany({
        where: { incidentId: incident.id },
        select: { fileId: true, status: true, lockedBy: true },
      });
      for (const j of jobs)
        if (j.lockedBy) (holders.get(j.fileId) ?? holders.set(j.fileId, new Set()).get(j.fileId)!).add(j.lockedBy);
      if (jobs.every((j) => j.status === "done" || j.status === "failed")) break;
      await new Promise((r) => setTimeout(r, 25));
    }

    const jobs = await db.parseJob.findMany({ where: { incidentId: incident.id } });
    expect(jobs).toHaveLength(FILES);
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual(jobs.map(() => ["done", 1]));
    for (const h of holders.values()) expect(h.size).toBe(1);
    const distinctWorkers = new Set([...holders.values()].flatMap((h) => [...h]));
    expect(distinctWorkers.size).toBeGreaterThan(1);

    const files = await db.bundleFile.findMany({ where: { incidentId: incident.id } });
    for (const f of files) {
      expect(f.status).toBe("done");
      const rows = await db.logTransaction.count({ where: { fileId: f.id } });
      expect(rows).toBe(expectedTx.get(f.name));
      expect((f.counts as { transactions: number }).transactions).toBe(rows);
    }
  });
});
