import "server-only";
import type { Db } from "./client";
import { bulkQuery } from "./bulk-raw";
import { endpointLabel, type Classification, type Connection } from "@/lib/analysis/tcp";

/** Bulk insert of classified TCP connections: one `INSERT ... SELECT FROM unnest(arrays)` per batch (see bulk.ts). */

export type ClassifiedConnection = Connection & { cls: Classification };

const iso = (us: number) => new Date(Math.round(us / 1000)).toISOString();
const BATCH = 500;

export async function insertConnections(
  db: Db,
  incidentId: string,
  fileId: string,
  conns: ClassifiedConnection[],
): Promise<void> {
  for (let i = 0; i < conns.length; i += BATCH) {
    const rows = conns.slice(i, i + BATCH);
    const col = <T>(f: (c: ClassifiedConnection) => T) => rows.map(f);
    /** One column per field, each the field's value in every row. */
    const fields = (...keys: Array<keyof ClassifiedConnection>) => keys.map((k) => col((c) => c[k]));
    // Exchanges go as one JSON document, not as a jsonb[] literal: escaping every quote into an array literal cost
    // more than the rest of the insert. Ladders are not stored: read back from the capture by offsets (#18).
    const json = JSON.stringify(rows.map((c) => c.exchanges));
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
    ];
    await bulkQuery(db)(
      `INSERT INTO "TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort","target",
        "startTs","endTs","closeTs","firstFrame","lastFrame","closeFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
        "closer","closeKind","retransmissions","connState","history","idleGapMs","classCode","classReason","exchanges","firstOffset","lastOffset")
      SELECT $1, $2, u.ci, u.gh, u.gp, u.th, u.tp, u.t, u.st, u.et, u.ct, u.ff, u.lf, u.cf, u.pg, u.pt, u.bg, u.bt,
        u.cl, u.ck, u.rt, u.cs, u.hi, u.ig, u.cc, u.cr, j.v, u.fo, u.lo
      FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[],
        $12::int[], $13::int[], $14::int[], $15::int[], $16::int[], $17::bigint[], $18::bigint[], $19::text[], $20::text[], $21::int[],
        $22::text[], $23::text[], $24::float8[], $25::text[], $26::text[], $27::bigint[], $28::bigint[])
        WITH ORDINALITY AS u(ci, gh, gp, th, tp, t, st, et, ct, ff, lf, cf, pg, pt, bg, bt, cl, ck, rt, cs, hi, ig, cc, cr, fo, lo, n)
      JOIN jsonb_array_elements($29::jsonb) WITH ORDINALITY AS j(v, n) ON j.n = u.n`,
      [incidentId, fileId, ...cols, json],
    );
  }
}

/** A re-run of a capture's job starts from nothing. */
export async function deleteConnectionRows(db: Db, fileId: string): Promise<void> {
  await db.tcpConnection.deleteMany({ where: { fileId } });
}
