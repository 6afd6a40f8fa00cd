/**
 * A parse thread that dies (here: out of memory, as a hostile file would make it) fails its own file with a clear
 * error; the server and the bundle's other files go on, parsed in threads of their own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { storeFiles, storeSamples } from "@/lib/testing/samples";
import { startWorker } from "@/lib/jobs/worker";
import { synthesizeLog } from "@/scripts/bench/synth-log";
import { blobStore, createIncident } from "../bundle";

// Measured: the sample files parse within 24 MB; a 300 000-line log (60 000 distinct correlation ids in its line
// index's dictionary) needs more than 32 MB.
const HEAP_MB = 32;

let t: TestEnv;
let dir: string;
beforeAll(async () => {
  t = await openTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "emg-thread-crash-"));
});
afterAll(async () => {
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("a parse thread out of memory fails its file with the reason; the other files of the bundle parse", async () => {
  const db = t.handle.prisma;
  const store = blobStore(t.dataDir);
  const big = path.join(dir, "big-gateway.log");
  await synthesizeLog(big, 300_000);
  const incident = await createIncident(db, store, [
    ...(await storeSamples(store)),
    ...(await storeFiles(store, [big])),
  ]);

  const worker = startWorker({ db, dataDir: t.dataDir, concurrency: 2, pollMs: 20, limits: { parseHeapMb: HEAP_MB } });
  await worker.idle();
  await worker.stop();

  const files = await db.bundleFile.findMany({ where: { incidentId: incident.id }, orderBy: { name: "asc" } });
  expect(files.map((f) => [f.name, f.status, f.error])).toEqual([
    ["acme-prod-config.yaml", "done", null],
    [
      "big-gateway.log",
      "failed",
      `The parser ran out of memory on this file (limit ${HEAP_MB} MB) and was stopped; the rest of the bundle is parsed.`,
    ],
    ["edgemicro-gw01-7a1f352d-0193-470c-9c2b-a8b70c7bfa67-1-api.log", "done", null],
    ["gw01-to-target.pcap", "done", null],
  ]);
  const bigId = files[1].id;
  const logId = files[2].id;
  // grep -c '\]\[502\]\[' on the sample log → 3
  expect(await db.logTransaction.count({ where: { fileId: logId, status: 502 } })).toBe(3);
  expect(await db.tcpConnection.count({ where: { fileId: files[3].id } })).toBeGreaterThan(0);
  // The job is over (not retried as a crash of the process), and its rows are those written before the thread died, at most.
  expect(await db.parseJob.findMany({ where: { fileId: bigId }, select: { status: true } })).toEqual([
    { status: expect.not.stringMatching(/queued|running/) },
  ]);
});
