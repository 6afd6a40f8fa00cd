/**
 * Ingest as the app runs it (PGlite and the parse worker in this process), timed from enqueue to parsed, while the
 * event loop is watched: its delay (monitorEventLoopDelay) and the time a small query takes, asked every 100 ms as
 * a page would. `ROOT=<checkout> npx tsx scripts/bench/event-loop.ts log|capture [lines|MB]` measures any checkout
 * with the same script, for before/after figures on one machine.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { synthesizeLog } from "./synth-log";
import { synthesizeCapture } from "../../lib/parsers/pcap/bench";

const root = path.resolve(process.env.ROOT ?? ".");
const kind = process.argv[2] === "capture" ? "capture" : "log";
const size = Number(process.argv[3] ?? (kind === "log" ? 1_000_000 : 500));
const mod = (p: string) => import(path.join(root, p));
const { openDb } = await mod("lib/db/client.ts");
const { applyMigrations } = await mod("lib/db/migrate.ts");
const { blobStore, createIncident } = await mod("lib/ingest/bundle.ts");
const { startWorker } = await mod("lib/jobs/worker.ts");

const cache = path.join(os.tmpdir(), "emg-bench-inputs");
const input = path.join(cache, kind === "log" ? `synth-${size}.log` : `synth-${size}MB.pcap`);
if (!existsSync(input)) {
  (await import("node:fs")).mkdirSync(cache, { recursive: true });
  if (kind === "log") await synthesizeLog(input, size);
  else synthesizeCapture(input, size);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "emg-loop-"));
const handle = openDb({ pgliteDir: path.join(dataDir, "pglite") });
await applyMigrations(handle.factory);
const db = handle.prisma;
const store = blobStore(dataDir);
const put = await store.put(createReadStream(input));

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
const queryMs: number[] = [];
let peakRss = 0;
let watching = true;
const watch = (async () => {
  while (watching) {
    const t = performance.now();
    await db.incident.findMany({ take: 20, orderBy: { createdAt: "desc" } });
    queryMs.push(performance.now() - t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 100));
  }
})();

// Stalls over a second, with when they ended (s from enqueue) and the file's progress then: during the parse or after.
const stalls: Array<{ endS: number; ms: number; bytesDone: number }> = [];
let tick = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  if (now - tick > 1000) {
    const stall = { endS: +((now - t0) / 1000).toFixed(1), ms: Math.round(now - tick), bytesDone: -1 };
    stalls.push(stall);
    void db.bundleFile
      .findFirst({ select: { bytesDone: true } })
      .then((f: { bytesDone: bigint } | null) => (stall.bytesDone = Number(f?.bytesDone ?? -1)));
  }
  tick = now;
}, 50);
const t0 = performance.now();
loop.enable();
const incident = await createIncident(db, store, [{ name: path.basename(input), sha256: put.sha256, size: put.size }]);
const worker = startWorker({ db, dataDir, concurrency: 2, pollMs: 20 });
await worker.idle();
const seconds = (performance.now() - t0) / 1000;
loop.disable();
clearInterval(ticker);
watching = false;
await watch;
await worker.stop();
const files = await db.bundleFile.findMany({
  where: { incidentId: incident.id },
  select: { status: true, error: true },
});
const rows = kind === "log" ? await db.logTransaction.count() : await db.tcpConnection.count();
await handle.close();
rmSync(dataDir, { recursive: true, force: true });
const ms = (ns: number) => Math.round(ns / 1e6);
console.log(
  JSON.stringify({
    root,
    kind,
    input: `${(statSync(input).size / 1e6).toFixed(0)} MB`,
    files,
    rows,
    seconds: +seconds.toFixed(1),
    loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    queryMs: {
      n: queryMs.length,
      p50: Math.round(pct(queryMs, 0.5)),
      p99: Math.round(pct(queryMs, 0.99)),
      max: Math.round(Math.max(...queryMs)),
    },
    // Sampled during the ingest only: the migrations before it (Prisma's schema engine) peak higher on their own.
    peakRssMB: Math.round(peakRss / 2 ** 20),
    stalls,
  }),
);
