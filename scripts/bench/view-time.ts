// TEMP (not kept): ingest a synthesized capture in process, then time getIncidentView.
import { createReadStream, existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { synthesizeCapture } from "../../lib/parsers/pcap/bench";
import { openDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { blobStore, createIncident } from "../../lib/ingest/bundle";
import { startWorker } from "../../lib/jobs/worker";
import { getIncidentView } from "../../lib/incidents/view";

const size = Number(process.argv[2] ?? 157);
const cache = path.join(os.tmpdir(), "emg-bench-inputs");
const input = path.join(cache, `synth-${size}MB.pcap`);
if (!existsSync(input)) {
  (await import("node:fs")).mkdirSync(cache, { recursive: true });
  synthesizeCapture(input, size);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), "emg-vt-"));
const handle = openDb({ pgliteDir: path.join(dataDir, "pglite") });
await applyMigrations(handle.factory);
const db = handle.prisma;
const store = blobStore(dataDir);
const put = await store.put(createReadStream(input));
const incident = await createIncident(db, store, [{ name: path.basename(input), sha256: put.sha256, size: put.size }]);
const worker = startWorker({ db, dataDir, concurrency: 2, pollMs: 20 });
await worker.idle();
await worker.stop();
console.log("connections", await db.tcpConnection.count());
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  await getIncidentView(db, incident.id);
  console.log("view ms", Math.round(performance.now() - t));
}
await handle.close();
