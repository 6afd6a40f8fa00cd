import "server-only";
import type { Db } from "./client";
import { bulkQuery } from "./bulk-raw";
import { endpointLabel, type Classification, type Connection } from "@/lib/analysis/tcp";
import type { ExchangesRef } from "@/lib/incidents/exchanges-file";

/** Bulk insert of classified TCP connections: one `INSERT ... SELECT FROM unnest(arrays)` per batch (see bulk.ts). */

/**
 * A classified connection as stored: its exchanges are in the capture's exchanges file (lib/incidents/exchanges-file.ts),
 * the row says where; `pendingReqMs` is its first unanswered request's time, if any.
 */
export type StoredConnection = Omit<Connection, "exchanges" | "ladder"> & {
  cls: Classification;
  exchanges: ExchangesRef | null;
  pendingReqMs: number | null;
};

const iso = (us: number) => new Date(Math.round(us / 1000)).toISOString();
const BATCH = 500;

export async function insertConnections(
  db: Db,
  incidentId: string,
  fileId: string,
  conns: StoredConnection[],
): Promise<void> {
  for (let i = 0; i < conns.length; i += BATCH) {
    const rows = conns.slice(i, i + BATCH);
    const col = <T>(f: (c: StoredConnection) => T) => rows.map(f);
    /** One column per field, each the field's value in every row. */
    const fields = (...keys: Array<keyof StoredConnection>) => keys.map((k) => col((c) => c[k]));
    const cols = [
      col((c) => c.id),
      col((c) => c.gateway.host),
      col((c) => c.gateway.port),
      col((c) => c.target.host),
      col((c) => c.target.port),
      col((c) => endpointLabel(c.target.host, c.target.port)),
      col((c) => iso(c.startUs)),
      col((c) => iso(c.endUs)),
      col((c) => (c.closeUs === null ? null : iso(c.closeUs))),
      ...fields("firstFrame", "lastFrame", "closeFrame", "packetsG2T", "packetsT2G", "bytesG2T", "bytesT2G"),
      ...fields("closer", "closeKind", "retransmissions", "connState", "history", "idleGapMs"),
      col((c) => c.cls.code),
      col((c) => c.cls.reason),
      ...fields("firstOffset", "lastOffset"),
      col((c) => c.exchanges?.at ?? null),
      col((c) => c.exchanges?.bytes ?? null),
      ...fields("pendingReqMs"),
    ];
    await bulkQuery(db)(
      `INSERT INTO "TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort","target",
        "startTs","endTs","closeTs","firstFrame","lastFrame","closeFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
        "closer","closeKind","retransmissions","connState","history","idleGapMs","classCode","classReason","firstOffset","lastOffset",
        "exchangesAt","exchangesBytes","pendingReqMs")
      SELECT $1, $2, u.*
      FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[],
        $12::int[], $13::int[], $14::int[], $15::int[], $16::int[], $17::bigint[], $18::bigint[], $19::text[], $20::text[], $21::int[],
        $22::text[], $23::text[], $24::float8[], $25::text[], $26::text[], $27::bigint[], $28::bigint[], $29::bigint[], $30::int[],
        $31::float8[]) AS u`,
      [incidentId, fileId, ...cols],
    );
  }
}

/** A re-run of a capture's job starts from nothing. */
export async function deleteConnectionRows(db: Db, fileId: string): Promise<void> {
  await db.tcpConnection.deleteMany({ where: { fileId } });
}
