// One benchmark phase in its own process, so its peak RSS (getrusage ru_maxrss) is its own figure.
// Usage: tsx scripts/bench/phase.ts <phase> <json args>; prints one line `BENCH {json}` at the end.
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { LogLineParser, TransactionStitcher } from "../../lib/parsers/log";
import { readCapture } from "../../lib/parsers/pcap/reader";
import { ConnectionTracker } from "../../lib/analysis/tcp/tracker";
import { classifyConnection } from "../../lib/analysis/tcp/classify";
import { openDb } from "../../lib/db/client";
import { env } from "../../lib/env";
import { applyMigrations } from "../../lib/db/migrate";
import { blobStore, createIncident } from "../../lib/ingest/bundle";
import { startWorker } from "../../lib/jobs/worker";
import { getIncidentView, listIncidents } from "../../lib/incidents/view";
import { timelineChartData } from "../../lib/analysis/chart-data";
import { connectionFacets, cursorAtRow, listConnections } from "../../lib/incidents/connections";
import { encodeCursor } from "../../lib/incidents/connection-cursor";

const [phase, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson ?? "{}");
const mib = 1024 * 1024;
const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

async function logParse(file: string) {
  const t0 = performance.now();
  const parser = new LogLineParser();
  const stitcher = new TransactionStitcher();
  let lines = 0;
  let transactions = 0;
  const take = (items: ReturnType<LogLineParser["push"]>) => {
    for (const it of items) {
      lines++;
      if (it.kind === "event") transactions += stitcher.add(it).length;
    }
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) take(parser.push(chunk as Buffer));
  take(parser.end());
  transactions += stitcher.flush().length;
  return {
    seconds: (performance.now() - t0) / 1000,
    bytes: statSync(file).size,
    lines,
    transactions,
    peakRssMB: peakRssMB(),
  };
}

async function captureParse(file: string, target: { host: string; port: number }) {
  const t0 = performance.now();
  const tracker = new ConnectionTracker({ targets: [target] });
  let packets = 0;
  let connections = 0;
  let races = 0;
  const count = (cs: ReturnType<ConnectionTracker["end"]>) => {
    connections += cs.length;
    for (const c of cs) if (classifyConnection(c).code === "keepalive-race") races++;
  };
  for await (const batch of readCapture(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    packets += batch.length;
    for (const p of batch) {
      const done = tracker.add(p);
      if (done.length) count(done);
    }
  }
  count(tracker.end());
  return {
    seconds: (performance.now() - t0) / 1000,
    bytes: statSync(file).size,
    packets,
    connections,
    races,
    peakRssMB: peakRssMB(),
  };
}

async function migrate(dataDir: string) {
  const handle = openDb({ pgliteDir: path.join(dataDir, "pglite") });
  await applyMigrations(handle.factory);
  await handle.close();
  return { peakRssMB: peakRssMB() };
}

/** Milliseconds of the first call and the median of five more. */
async function timed(fn: () => Promise<unknown>): Promise<{ firstMs: number; medianMs: number }> {
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  const rest = runs.slice(1).sort((a, b) => a - b);
  return { firstMs: runs[0], medianMs: rest[2] };
}

/** Full ingest as the app does it (worker, PGlite in this process), then the incident page's queries. */
async function ingest(dataDir: string, files: string[]) {
  const handle = openDb({ pgliteDir: path.join(dataDir, "pglite") });
  const db = handle.prisma;
  await db.$queryRaw`SELECT 1`;
  const store = blobStore(dataDir);
  // Uploading is not ingest: the files are in the blob store before the clock starts, as after an upload.
  const stored = [];
  for (const f of files) {
    const put = await store.put(createReadStream(f));
    stored.push({ name: path.basename(f), sha256: put.sha256, size: put.size });
  }
  const bytes = stored.reduce((a, s) => a + s.size, 0);
  const baseRssMB = process.memoryUsage().rss / mib;
  // Where the memory was at the highest sampled RSS: V8 heap, buffers and PGlite's WebAssembly heap (external), the rest native.
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > atPeak.rss) atPeak = m;
  }, 100);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const incident = await createIncident(db, store, stored);
  // As many parse jobs at once as the app runs by default (PARSE_CONCURRENCY).
  const worker = startWorker({ db, dataDir, concurrency: env().PARSE_CONCURRENCY, pollMs: 20 });
  await worker.idle();
  await worker.stop();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const files_ = await db.bundleFile.findMany({
    where: { incidentId: incident.id },
    select: { name: true, status: true, error: true, counts: true },
  });

  const id = incident.id;
  const view = await getIncidentView(db, id);
  const pages = {
    incidentView: await timed(() => getIncidentView(db, id)),
    timelineChart: await timed(async () => timelineChartData((await getIncidentView(db, id))!.timeline)),
    incidentList: await timed(() => listIncidents(db)),
    connectionsByTime: await timed(() => listConnections(db, store, id, { sort: "time", pageSize: 50 })),
    connectionsByGap: await timed(() => listConnections(db, store, id, { sort: "gap", pageSize: 50 })),
    // Deep pages through the cursors a page link carries: page 500 (its cursor found outside the clock) and the last.
    connectionsPage500: await (async (cursor) =>
      timed(() => listConnections(db, store, id, { sort: "time", pageSize: 50, cursor })))(
      await cursorAtRow(db, id, { sort: "time" }, 499 * 50),
    ),
    connectionsLastPage: await timed(() =>
      listConnections(db, store, id, {
        sort: "time",
        pageSize: 50,
        cursor: encodeCursor({ v: 1, s: "time", d: "prev" }),
      }),
    ),
    connectionsGap500: await (async (cursor) =>
      timed(() => listConnections(db, store, id, { sort: "gap", pageSize: 50, cursor })))(
      await cursorAtRow(db, id, { sort: "gap" }, 499 * 50),
    ),
    connectionsGapLast: await timed(() =>
      listConnections(db, store, id, {
        sort: "gap",
        pageSize: 50,
        cursor: encodeCursor({ v: 1, s: "gap", d: "prev" }),
      }),
    ),
    connectionFacets: await timed(() => connectionFacets(db, id)),
  };
  await handle.close();
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    bytes,
    files: files_.map((f) => ({ name: f.name, status: f.status, error: f.error, counts: f.counts })),
    transactions: view?.summary.transactions ?? 0,
    baseRssMB,
    peakRssMB: Math.max(peakRssMB(), atPeak.rss / mib),
    atPeakMB: {
      heapTotal: atPeak.heapTotal / mib,
      heapUsed: atPeak.heapUsed / mib,
      external: atPeak.external / mib,
      arrayBuffers: atPeak.arrayBuffers / mib,
    },
    pages,
  };
}

const run: Record<string, () => Promise<unknown>> = {
  "log-parse": () => logParse(args.file),
  "capture-parse": () => captureParse(args.file, args.target),
  migrate: () => migrate(args.dataDir),
  ingest: () => ingest(args.dataDir, args.files),
};
if (!run[phase]) throw new Error(`unknown phase ${phase}`);
console.log(`BENCH ${JSON.stringify(await run[phase]())}`);
