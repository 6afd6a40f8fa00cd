import type { Db } from "./client";
import type { Connection } from "@/lib/analysis/tcp";
import type { Classification } from "@/lib/analysis/tcp";

/** Bulk insert of classified TCP connections: one `INSERT ... SELECT FROM unnest(arrays)` per batch (see bulk.ts). */

export type ClassifiedConnection = Connection & { cls: Classification };

const iso = (us: number) => new Date(Math.round(us / 1000)).toISOString();
export const endpointKey = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);
const BATCH = 500;

export async function insertConnections(db: Db, incidentId: string, fileId: string, conns: ClassifiedConnection[]): Promise<void> {
  for (let i = 0; i < conns.length; i += BATCH) {
    const rows = conns.slice(i, i + BATCH);
    const col = <T>(f: (c: ClassifiedConnection) => T) => rows.map(f);
    await db.$executeRaw`
      INSERT INTO "TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort","target",
        "startTs","endTs","closeTs","firstFrame","lastFrame","closeFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
        "closer","closeKind","retransmissions","connState","history","idleGapMs","classCode","classReason","exchanges","ladder","ladderOmitted")
      SELECT ${incidentId}, ${fileId}, * FROM unnest(
        ${col((c) => c.id)}::int[], ${col((c) => c.gateway.host)}::text[], ${col((c) => c.gateway.port)}::int[],
        ${col((c) => c.target.host)}::text[], ${col((c) => c.target.port)}::int[], ${col((c) => endpointKey(c.target.host, c.target.port))}::text[],
        ${col((c) => iso(c.startUs))}::timestamptz[], ${col((c) => iso(c.endUs))}::timestamptz[],
        ${col((c) => (c.closeUs === null ? null : iso(c.closeUs)))}::timestamptz[],
        ${col((c) => c.firstFrame)}::int[], ${col((c) => c.lastFrame)}::int[], ${col((c) => c.closeFrame)}::int[],
        ${col((c) => c.packetsG2T)}::int[], ${col((c) => c.packetsT2G)}::int[], ${col((c) => c.bytesG2T)}::bigint[], ${col((c) => c.bytesT2G)}::bigint[],
        ${col((c) => c.closer)}::text[], ${col((c) => c.closeKind)}::text[], ${col((c) => c.retransmissions)}::int[],
        ${col((c) => c.connState)}::text[], ${col((c) => c.history)}::text[], ${col((c) => c.idleGapMs)}::float8[],
        ${col((c) => c.cls.code)}::text[], ${col((c) => c.cls.reason)}::text[],
        ${col((c) => JSON.stringify(c.exchanges))}::jsonb[], ${col((c) => JSON.stringify(c.ladder))}::jsonb[], ${col((c) => c.ladderOmitted)}::int[])`;
  }
}

/** A re-run of a capture's job starts from nothing. */
export async function deleteConnectionRows(db: Db, fileId: string): Promise<void> {
  await db.tcpConnection.deleteMany({ where: { fileId } });
}
