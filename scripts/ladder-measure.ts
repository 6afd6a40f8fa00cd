/**
 * Issue #18: what storing a capture's connections costs, on a synthesized keep-alive capture (the bench generator of
 * lib/parsers/pcap/bench.ts). Ingests it through the parse worker into a fresh database (PGlite, or DATABASE_URL's
 * public schema, which is wiped) and prints the parse time, the connection rows and the bytes of their columns.
 *   npx tsx --conditions=react-server scripts/ladder-measure.ts [sizeMB=100]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { synthesizeCapture } from "@/lib/parsers/pcap/bench";
import { openTestDb } from "@/lib/testing/test-db";
import { storeFiles } from "@/lib/testing/samples";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { parseQueued } from "@/lib/testing/worker";

const sizeMB = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(path.join(tmpdir(), "ladder-measure-"));
const file = path.join(dir, "big.pcap");
const packets = synthesizeCapture(file, sizeMB);
const t = await openTestDb();
try {
  const store = blobStore(t.dataDir);
  const db = t.handle.prisma;
  const incident = await createIncident(db, store, await storeFiles(store, [file]));
  const t0 = performance.now();
  await parseQueued(db, t.dataDir);
  const seconds = (performance.now() - t0) / 1000;
  const cols = (await db.$queryRawUnsafe<Array<{ column_name: string }>>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'TcpConnection' AND table_schema = current_schema()`)).map((c) => c.column_name);
  const sizes = cols.map((c) => `sum(pg_column_size("${c}"))::bigint "${c}"`).join(", ");
  const [row] = await db.$queryRawUnsafe<Array<Record<string, bigint>>>(
    `SELECT count(*) n, pg_total_relation_size('"TcpConnection"') total, ${sizes} FROM "TcpConnection" WHERE "incidentId" = $1`, incident.id);
  const colBytes = Object.fromEntries(cols.map((c) => [c, Number(row[c])]));
  console.log(JSON.stringify({
    engine: process.env.DATABASE_URL ? "postgresql" : "pglite", sizeMB, packets, parseSeconds: Number(seconds.toFixed(2)),
    connections: Number(row.n), tableBytesWithIndexes: Number(row.total),
    columnBytes: Object.values(colBytes).reduce((a, b) => a + b, 0), ladderBytes: colBytes.ladder ?? 0, exchangesBytes: colBytes.exchanges,
  }));
} finally {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
