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
  const cpu0 = process.cpuUsage();
  await parseQueued(db, t.dataDir);
  const seconds = (performance.now() - t0) / 1000;
  // This process's CPU (with PGlite: the database's too), steadier than wall time on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const cols = (
    await db.$queryRawUnsafe<Array<{ column_name: string }>>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'TcpConnection' AND table_schema = current_schema()`,
    )
  ).map((c) => c.column_name);
  const sizes = cols.map((c) => `sum(pg_column_size("${c}"))::bigint "${c}"`).join(", ");
  const [row] = await db.$queryRawUnsafe<Array<Record<string, bigint>>>(
    `SELECT count(*) n, pg_total_relation_size('"TcpConnection"') total, ${sizes} FROM "TcpConnection" WHERE "incidentId" = $1`,
    incident.id,
  );
  const colBytes = Object.fromEntries(cols.map((c) => [c, Number(row[c])]));
  console.log(
    JSON.stringify({
      engine: process.env.DATABASE_URL ? "postgresql" : "pglite",
      sizeMB,
      packets,
      parseSeconds: Number(seconds.toFixed(2)),
      cpuSeconds: Number(cpuSeconds.toFixed(2)),
      connections: Number(row.n),
      tableBytesWithIndexes: Number(row.total),
      columnBytes: Object.values(colBytes).reduce((a, b) => a + b, 0),
      ladderBytes: colBytes.ladder ?? 0,
      exchangesBytes: colBytes.exchanges,
    }),
  );
  if (process.env.LADDER_TIMING) {
    // Opening a connection: its ladder read back from the capture, for one in the middle and the last one, with the
    // offsets stored at ingest and as a row stored before #18 (no offsets: read from the capture's start).
    const { getConnection } = await import("@/lib/incidents/connections");
    const rows = await db.tcpConnection.findMany({
      where: { incidentId: incident.id },
      orderBy: { firstFrame: "asc" },
      select: { id: true },
    });
    await getConnection(db, store, incident.id, String(rows[0].id)); // warm-up: module loading, query compilation
    for (const [what, r] of [
      ["middle", rows[rows.length >> 1]],
      ["last", rows[rows.length - 1]],
    ] as const) {
      const time = async () => {
        const s = performance.now();
        const c = await getConnection(db, store, incident.id, String(r.id));
        return [performance.now() - s, c!.ladder.length] as const;
      };
      const [ms, steps] = await time();
      await db.tcpConnection.update({ where: { id: r.id }, data: { firstOffset: null, lastOffset: null } });
      const [scanMs] = await time();
      console.log(
        JSON.stringify({ open: what, steps, ms: Number(ms.toFixed(1)), withoutOffsetsMs: Number(scanMs.toFixed(1)) }),
      );
    }
  }
} finally {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
