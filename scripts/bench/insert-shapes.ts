// `npx tsx --conditions=react-server scripts/bench/insert-shapes.ts [logLines=300000] [--rounds=3]`
// What one LogTransaction row costs PGlite, by statement shape: the rows of a synthesized log (parsed as ingest does)
// inserted 1,000 per statement into a fresh PGlite with the project's migrations, once per shape, shapes alternated
// each round, median kept. Figures only (docs/benchmark.md, "What a row costs PGlite").
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { BlobStore } from "../../lib/ingest/blobs";
import { parseLog } from "../../lib/ingest/parse-thread/log-task";
import type { TransactionRow } from "../../lib/db/bulk";
import { synthesizeLog } from "./synth-log";

const lines = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 300_000);
const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.split("=")[1] ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-insert-"));
const COLS = `"incidentId","fileId","correlationId","startTs","endTs","method","url","proxy","target","status","errMessage","errCode","durationMs","lineNo","byteOffset","lineCount"`;
const AS_EPOCH = `SELECT $1, $2, c, to_timestamp(s / 1000.0), to_timestamp(e / 1000.0), m, u, p, t, st, em, ec, d, ln, bo, lc`;
const iso = (ms: number) => new Date(ms).toISOString();

type Shape = { sql: string; params: (rows: TransactionRow[]) => unknown[]; setup?: string };
const columns = (rows: TransactionRow[], time: (ms: number) => unknown) => {
  const col = <K extends keyof TransactionRow>(k: K) => rows.map((r) => r[k]);
  return [col("correlationId"), rows.map((r) => time(r.startTs)), rows.map((r) => time(r.endTs)), col("method")]
    .concat([col("url"), col("proxy"), col("target"), col("status"), col("errMessage"), col("errCode")])
    .concat([col("durationMs"), col("lineNo"), col("byteOffset"), col("lineCount")]);
};
const UNNEST = `unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[],
  $10::int[], $11::text[], $12::text[], $13::int[], $14::int[], $15::bigint[], $16::int[])`;
const isoText: Shape = {
  sql: `INSERT INTO "LogTransaction" (${COLS}) SELECT $1, $2, * FROM ${UNNEST}`,
  params: (rows) => ["i", "f", ...columns(rows, iso)],
};
const epoch: Shape = {
  sql: `INSERT INTO "LogTransaction" (${COLS}) ${AS_EPOCH} FROM ${UNNEST.replace(/timestamptz/g, "float8")}
      AS x(c, s, e, m, u, p, t, st, em, ec, d, ln, bo, lc)`,
  params: (rows) => ["i", "f", ...columns(rows, (ms) => ms)],
};
// The two indexes dropped by migration 20261201200000 (issue 18).
const BEFORE = `CREATE INDEX ON "LogTransaction"("incidentId", "target"); CREATE INDEX ON "LogTransaction"("fileId");`;
const shapes: Record<string, Shape> = {
  "epoch ms times (today)": epoch,
  "ISO text times": isoText,
  "one JSON parameter": {
    sql: `INSERT INTO "LogTransaction" (${COLS}) ${AS_EPOCH} FROM json_to_recordset($3::json) AS x(c text, s float8,
      e float8, m text, u text, p text, t text, st int, em text, ec text, d int, ln int, bo bigint, lc int)`,
    params: (rows) => ["i", "f", JSON.stringify(rows.map(jsonRow))],
  },
  "ISO text, target and file indexes (before)": { ...isoText, setup: BEFORE },
  "epoch ms, no index but the key": { ...epoch, setup: `DROP INDEX "LogTransaction_incidentId_startTs_idx";` },
};
function jsonRow(r: TransactionRow) {
  const { correlationId: c, startTs: s, endTs: e, method: m, url: u, proxy: p, target: t, status: st } = r;
  return {
    c,
    s,
    e,
    m,
    u,
    p,
    t,
    st,
    em: r.errMessage,
    ec: r.errCode,
    d: r.durationMs,
    ln: r.lineNo,
    bo: r.byteOffset,
    lc: r.lineCount,
  };
}

const migrations = readdirSync("prisma/migrations")
  .filter((d) => /^\d/.test(d))
  .sort()
  .map((d) => readFileSync(`prisma/migrations/${d}/migration.sql`, "utf8"));

async function run(shape: Shape, rows: TransactionRow[]): Promise<{ wall: number; cpu: number }> {
  const dataDir = path.join(dir, "pglite");
  rmSync(dataDir, { recursive: true, force: true });
  const db = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"] });
  for (const m of migrations) await db.exec(m);
  await db.exec(`INSERT INTO "Incident"(id, title) VALUES ('i', 'bench')`);
  if (shape.setup) await db.exec(shape.setup);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const slice = rows.slice(i, i + 1000);
    await db.query(shape.sql, shape.params(slice));
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int n FROM "LogTransaction"`)).rows;
  if (n !== rows.length) throw new Error(`stored ${n} of ${rows.length} rows`);
  await db.close();
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

try {
  const logFile = path.join(dir, "edgemicro-bench-1-api.log");
  await synthesizeLog(logFile, lines);
  const store = new BlobStore(path.join(dir, "blobs"));
  const put = await store.put(createReadStream(logFile));
  const rows: TransactionRow[] = [];
  const file = { id: "f", name: "bench.log", sha256: put.sha256 };
  await parseLog(store, file, {
    emit: async (b) => void (b.table === "transactions" && rows.push(...b.rows)),
    progress: () => undefined,
  });
  console.log(`${rows.length} transactions from ${lines} lines; load average ${os.loadavg()[0].toFixed(1)}`);
  const times: Record<string, { wall: number; cpu: number }[]> = {};
  for (let round = 0; round < rounds; round++) {
    const names = Object.keys(shapes);
    for (const name of round % 2 ? names.reverse() : names) (times[name] ??= []).push(await run(shapes[name], rows));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log("| Shape | wall (median) | CPU | µs per row (CPU) |\n| --- | --- | --- | --- |");
  for (const [name, ts] of Object.entries(times)) {
    const cpu = median(ts.map((t) => t.cpu));
    const wall = median(ts.map((t) => t.wall));
    console.log(`| ${name} | ${wall.toFixed(2)} s | ${cpu.toFixed(2)} s | ${((cpu / rows.length) * 1e6).toFixed(1)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
