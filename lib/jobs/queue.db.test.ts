/** The job queue on the real database: orphan recovery after a crash (pid reuse included) and giving up on a file. */
import { spawn } from "node:child_process";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { claimJob, MAX_ATTEMPTS, requeueOrphans, workerIdOf } from "./queue";
import { crashReason, startWorker } from "./worker";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

async function incidentWithFiles(n: number) {
  const db = t.handle.prisma;
  const incidentId = `inc_q${Math.random().toString(36).slice(2, 8)}`;
  await db.incident.create({ data: { id: incidentId, title: "q" } });
  const ids = Array.from({ length: n }, (_, i) => `${incidentId}_f${i}`);
  await db.bundleFile.createMany({
    data: ids.map((id) => ({
      id,
      incidentId,
      name: id,
      sha256: "0".repeat(64),
      size: 1n,
      kind: "gateway-log",
      status: "queued",
    })),
  });
  await db.parseJob.createMany({ data: ids.map((fileId) => ({ incidentId, fileId })) });
  return { incidentId, ids };
}

/** A transaction row of the file, as a parse leaves it. */
const transactionRow = (incidentId: string, fileId: string, correlationId: string) =>
  t.handle.prisma.logTransaction.create({
    data: {
      incidentId,
      fileId,
      correlationId,
      startTs: new Date(),
      endTs: new Date(),
      method: "GET",
      url: "u",
      lineNo: 1,
      byteOffset: 0n,
      lineCount: 1,
    },
  });

describe("job queue", () => {
  it("requeues jobs of dead processes, and of an earlier process that had this very pid; leaves live ones", async () => {
    const db = t.handle.prisma;
    const host = os.hostname();
    const { ids } = await incidentWithFiles(4);
    const alive = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const me = workerIdOf(host, process.pid, "now");
      const holders = [
        workerIdOf(host, 2 ** 22 + 12345, "x"), // a pid that cannot exist: dead
        workerIdOf(host, process.pid, "before"), // this pid, an earlier boot: a container restart reused it
        workerIdOf(host, alive.pid!, "y"), // another live process on this host: still working
        me,
      ];
      for (let i = 0; i < 4; i++) {
        expect((await claimJob(db, holders[i]))?.fileId).toBe(ids[i]);
      }
      expect(await requeueOrphans(db, host, me)).toBe(2);
      const jobs = await db.parseJob.findMany({ where: { fileId: { in: ids } }, orderBy: { id: "asc" } });
      expect(jobs.map((j) => [j.status, j.lockedBy])).toEqual([
        ["queued", null],
        ["queued", null],
        ["running", holders[2]],
        ["running", me],
      ]);
    } finally {
      alive.kill();
      await db.parseJob.deleteMany({ where: { fileId: { in: ids } } });
    }
  });

  it("a file whose stored copy is gone fails with that reason, for every kind, and nothing escapes", async () => {
    const db = t.handle.prisma;
    const { ids } = await incidentWithFiles(6);
    const kinds = ["gateway-log", "gateway-config", "pcap", "zip", "tar", "gzip"];
    for (let i = 0; i < ids.length; i++)
      await db.bundleFile.update({ where: { id: ids[i] }, data: { kind: kinds[i] } });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const worker = startWorker({ db, dataDir: t.dataDir, concurrency: 2, pollMs: 20 });
      await worker.idle();
      await worker.stop();
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
    const files = await db.bundleFile.findMany({ where: { id: { in: ids } } });
    for (const f of files)
      expect([f.kind, f.status, f.error]).toEqual([
        f.kind,
        "failed",
        "The stored copy of this file is missing (blob 000000000000…); upload it again.",
      ]);
  });

  it(`a job interrupted ${MAX_ATTEMPTS} times fails its file with the reason, and the partial rows of those attempts are gone`, async () => {
    const db = t.handle.prisma;
    const { incidentId, ids } = await incidentWithFiles(1);
    // Two attempts already made by processes that died mid-parse, leaving rows behind.
    await db.parseJob.updateMany({ where: { fileId: ids[0] }, data: { status: "queued", attempts: MAX_ATTEMPTS } });
    await db.bundleFile.update({ where: { id: ids[0] }, data: { status: "parsing" } });
    await transactionRow(incidentId, ids[0], "c");
    const worker = startWorker({ db, dataDir: t.dataDir, concurrency: 2, pollMs: 20 });
    await worker.idle();
    await worker.stop();
    const file = await db.bundleFile.findUniqueOrThrow({ where: { id: ids[0] } });
    expect([file.status, file.error]).toEqual(["failed", crashReason(MAX_ATTEMPTS)]);
    expect(await db.logTransaction.count({ where: { fileId: ids[0] } })).toBe(0);
    expect(await db.parseJob.findFirst({ where: { fileId: ids[0] } })).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS + 1,
    });
  });

  it("a job killed after its file's final write finishes without parsing the file again", async () => {
    const db = t.handle.prisma;
    const { incidentId, ids } = await incidentWithFiles(2);
    // The earlier process died between each file's final transaction and the job's own update.
    await db.parseJob.updateMany({ where: { fileId: { in: ids } }, data: { status: "queued", attempts: 1 } });
    await db.bundleFile.update({ where: { id: ids[0] }, data: { status: "done", counts: { lines: 7 } } });
    await db.bundleFile.update({ where: { id: ids[1] }, data: { status: "failed", error: "bad gzip at byte 10" } });
    await transactionRow(incidentId, ids[0], "kept");
    const worker = startWorker({ db, dataDir: t.dataDir, concurrency: 2, pollMs: 20 });
    await worker.idle();
    await worker.stop();
    const files = await db.bundleFile.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    // Parsed again, both would have failed: their stored copies do not exist.
    expect(files.map((f) => [f.status, f.error])).toEqual([
      ["done", null],
      ["failed", "bad gzip at byte 10"],
    ]);
    expect(await db.logTransaction.count({ where: { fileId: ids[0] } })).toBe(1);
    const jobs = await db.parseJob.findMany({ where: { fileId: { in: ids } }, orderBy: { fileId: "asc" } });
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([
      ["done", 2],
      ["failed", 2],
    ]);
  });
});
