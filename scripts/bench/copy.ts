// `tsx scripts/bench/copy.ts [rows=100000] [--conns=rows] [--pg=postgresql://…] [--rounds=3]`: today's `INSERT … SELECT FROM
// unnest(…)` (lib/db/bulk.ts, bulk-connections.ts) against `COPY … FROM` (lib/db/copy*.ts) for LogTransaction and
// TcpConnection rows (with their ladders, and with empty ladders: the shape once ladders are read from the capture), in the batch sizes ingest uses (5000 transactions, 500 connections), on PGlite (a fresh
// data directory) and, when reachable, on PostgreSQL (BENCH_PG_URL or --pg; its public schema is wiped).
// Prints a markdown table; rounds alternate the order of the two paths and the median is kept. Figures only.
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type DbHandle } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { insertTransactions, type TransactionRow } from "../../lib/db/bulk";
import { insertConnections, type ClassifiedConnection } from "../../lib/db/bulk-connections";
import { copyDriver } from "../../lib/db/copy";
import { copyConnections, copyTransactions } from "../../lib/db/copy-inserts";
import { synthesizeCapture } from "../../lib/parsers/pcap/bench";
import { readCapture } from "../../lib/parsers/pcap/reader";
import { ConnectionTracker } from "../../lib/analysis/tcp/tracker";
import { classifyConnection } from "../../lib/analysis/tcp/classify";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rowsWanted = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 100_000);
const rounds = Number(arg("rounds") ?? 3);
const connsWanted = Number(arg("conns") ?? rowsWanted);
const pgUrl = arg("pg") ?? process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test_bench";
const TX_BATCH = 5000;
const CONN_BATCH = 500;

/** Transactions shaped like the synthesized gateway log's, with some awkward text in every 97th. */
function transactions(n: number): TransactionRow[] {
  const t0 = Date.parse("2026-11-23T19:00:00.000Z");
  return Array.from({ length: n }, (_, i) => {
    const failed = i % 20 === 7;
    return {
      correlationId: `${(i + 0x10000000).toString(16)}-4fa5-4dfe-abca-6d2852d5e513`,
      startTs: t0 + i * 7, endTs: t0 + i * 7 + 45, method: "GET",
      url: i % 97 === 0 ? `/items/${i}?q=a\tb\\c"d\né` : `emg_badtarget/items/${i}`,
      proxy: "edgemicro_badtarget", target: "10.9.9.9:8081",
      status: failed ? 502 : 200, errMessage: failed ? "socket hang up" : null, errCode: failed ? "ECONNRESET" : null,
      durationMs: failed ? null : 45, lineNo: i * 5 + 1, byteOffset: i * 1040, lineCount: 5,
    };
  });
}

/** Real classified connections of a small synthesized capture, repeated (with new ids) up to `n`. */
async function connections(n: number, dir: string): Promise<ClassifiedConnection[]> {
  const file = path.join(dir, "copy-bench.pcap");
  synthesizeCapture(file, 20);
  const tracker = new ConnectionTracker({ targets: [{ host: "10.9.9.9", port: 8080 }] });
  const real: ClassifiedConnection[] = [];
  const take = (cs: ReturnType<ConnectionTracker["end"]>) => { for (const c of cs) real.push({ ...c, cls: classifyConnection(c) }); };
  for await (const batch of readCapture(createReadStream(file, { highWaterMark: 1 << 20 }))) for (const p of batch) take(tracker.add(p));
  take(tracker.end());
  return Array.from({ length: n }, (_, i) => ({ ...real[i % real.length], id: i }));
}

interface Timing { wall: number; cpu: number }

/** Wall time, and CPU time of this process: on PGlite that is the whole insert (the database runs in it), a figure the other processes on a shared machine disturb far less. */
async function timeBatches<T>(rows: T[], batch: number, write: (rows: T[]) => Promise<void>): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < rows.length; i += batch) await write(rows.slice(i, i + batch));
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Line { db: string; table: string; rows: number; unnest: Timing; copy: Timing }

async function benchDb(label: string, handle: DbHandle, tx: TransactionRow[], conns: ClassifiedConnection[]): Promise<Line[]> {
  const noLadder = conns.map((c) => ({ ...c, ladder: [], ladderOmitted: 0 }));
  await applyMigrations(handle.factory);
  const db = handle.prisma;
  const copy = copyDriver(db);
  if (!copy) throw new Error("no COPY driver registered");
  await db.incident.create({ data: { id: "bench", title: "copy bench" } });
  const paths = {
    LogTransaction: {
      unnest: () => timeBatches(tx, TX_BATCH, (r) => insertTransactions(db, "bench", "f", r)),
      copy: () => timeBatches(tx, TX_BATCH, (r) => copyTransactions(copy, "bench", "f", r)),
      clear: () => db.$executeRawUnsafe(`TRUNCATE "LogTransaction"`),
      count: () => db.logTransaction.count(),
      rows: tx.length,
    },
    TcpConnection: {
      unnest: () => timeBatches(conns, CONN_BATCH, (r) => insertConnections(db, "bench", "f", r)),
      copy: () => timeBatches(conns, CONN_BATCH, (r) => copyConnections(copy, "bench", "f", r)),
      clear: () => db.$executeRawUnsafe(`TRUNCATE "TcpConnection"`),
      count: () => db.tcpConnection.count(),
      rows: conns.length,
    },
    "TcpConnection, empty ladders": {
      unnest: () => timeBatches(noLadder, CONN_BATCH, (r) => insertConnections(db, "bench", "f", r)),
      copy: () => timeBatches(noLadder, CONN_BATCH, (r) => copyConnections(copy, "bench", "f", r)),
      clear: () => db.$executeRawUnsafe(`TRUNCATE "TcpConnection"`),
      count: () => db.tcpConnection.count(),
      rows: noLadder.length,
    },
  };
  const out: Line[] = [];
  for (const [table, p] of Object.entries(paths)) {
    const times = { unnest: [] as Timing[], copy: [] as Timing[] };
    for (let r = 0; r < rounds; r++) {
      for (const kind of r % 2 ? (["copy", "unnest"] as const) : (["unnest", "copy"] as const)) {
        await p.clear();
        times[kind].push(await p[kind]());
        const stored = await p.count();
        if (stored !== p.rows) throw new Error(`${label} ${table} ${kind}: ${stored} rows stored, ${p.rows} written`);
      }
    }
    await p.clear();
    const med = (ts: Timing[]) => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });
    out.push({ db: label, table, rows: p.rows, unnest: med(times.unnest), copy: med(times.copy) });
    const show = (ts: Timing[]) => ts.map((t) => `${t.wall.toFixed(2)} (CPU ${t.cpu.toFixed(2)})`).join(" ");
    console.error(`${label} ${table}: unnest ${show(times.unnest)} s, COPY ${show(times.copy)} s`);
  }
  return out;
}

async function pgReachable(url: string): Promise<boolean> {
  const h = openDb({ databaseUrl: url });
  try {
    await h.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS public CASCADE`);
    await h.prisma.$executeRawUnsafe(`CREATE SCHEMA public`);
    return true;
  } catch (e) {
    console.error(`PostgreSQL at ${url} not reachable (${(e as Error).message.split("\n")[0]}): PGlite only`);
    return false;
  } finally {
    await h.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), "emg-copy-bench-"));
try {
  const tx = transactions(rowsWanted);
  const conns = await connections(connsWanted, dir);
  const lines: Line[] = [];
  const lite = openDb({ pgliteDir: path.join(dir, "pglite") });
  try { lines.push(...(await benchDb("PGlite", lite, tx, conns))); } finally { await lite.close(); }
  if (await pgReachable(pgUrl)) {
    const pg = openDb({ databaseUrl: pgUrl });
    try { lines.push(...(await benchDb("PostgreSQL", pg, tx, conns))); } finally { await pg.close(); }
  }
  console.log(`\nBulk inserts, median of ${rounds} (batches of ${TX_BATCH} transactions / ${CONN_BATCH} connections, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}):\n`);
  console.log("| Database | Table | Rows | unnest: wall (CPU of this process) | COPY: wall (CPU) | unnest / COPY: wall (CPU) |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const l of lines) {
    const t = (x: Timing) => `${x.wall.toFixed(2)} s (${x.cpu.toFixed(2)} s) · ${Math.round(l.rows / x.wall / 1000)}k rows/s`;
    const r = `${(l.unnest.wall / l.copy.wall).toFixed(2)}× (${(l.unnest.cpu / l.copy.cpu).toFixed(2)}×)`;
    console.log(`| ${l.db} | ${l.table} | ${l.rows.toLocaleString("en")} | ${t(l.unnest)} | ${t(l.copy)} | ${r} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
