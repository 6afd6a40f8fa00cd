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
    // Exchanges and ladders go as one JSON document, not as a jsonb[] literal: escaping every quote of
    // every ladder into an array literal cost more than the rest of the insert.
    const json = JSON.stringify(rows.map((c) => [c.exchanges, c.ladder]));
    await db.$executeRaw`
      INSERT INTO "TcpConnection" ("incidentId","fileId","connIndex","gatewayHost","gatewayPort","targetHost","targetPort","target",
        "startTs","endTs","closeTs","firstFrame","lastFrame","closeFrame","packetsG2T","packetsT2G","bytesG2T","bytesT2G",
        "closer","closeKind","retransmissions","connState","history","idleGapMs","classCode","classReason","exchanges","ladder","ladderOmitted")
      SELECT ${incidentId}, ${fileId}, u.ci, u.gh, u.gp, u.th, u.tp, u.t, u.st, u.et, u.ct, u.ff, u.lf, u.cf, u.pg, u.pt, u.bg, u.bt,
        u.cl, u.ck, u.rt, u.cs, u.hi, u.ig, u.cc, u.cr, j.v -> 0, j.v -> 1, u.lo
      FROM unnest(
        ${col((c) => c.id)}::int[], ${col((c) => c.gateway.host)}::text[], ${col((c) => c.gateway.port)}::int[],
        ${col((c) => c.target.host)}::text[], ${col((c) => c.target.port)}::int[], ${col((c) => endpointKey(c.target.host, c.target.port))}::text[],
        ${col((c) => iso(c.startUs))}::timestamptz[], ${col((c) => iso(c.endUs))}::timestamptz[],
        ${col((c) => (c.closeUs === null ? null : iso(c.closeUs)))}::timestamptz[],
        ${col((c) => c.firstFrame)}::int[], ${col((c) => c.lastFrame)}::int[], ${col((c) => c.closeFrame)}::int[],
        ${col((c) => c.packetsG2T)}::int[], ${col((c) => c.packetsT2G)}::int[], ${col((c) => c.bytesG2T)}::bigint[], ${col((c) => c.bytesT2G)}::bigint[],
        ${col((c) => c.closer)}::text[], ${col((c) => c.closeKind)}::text[], ${col((c) => c.retransmissions)}::int[],
        ${col((c) => c.connState)}::text[], ${col((c) => c.history)}::text[], ${col((c) => c.idleGapMs)}::float8[],
        ${col((c) => c.cls.code)}::text[], ${col((c) => c.cls.reason)}::text[], ${col((c) => c.ladderOmitted)}::int[])
        WITH ORDINALITY AS u(ci, gh, gp, th, tp, t, st, et, ct, ff, lf, cf, pg, pt, bg, bt, cl, ck, rt, cs, hi, ig, cc, cr, lo, n)
      JOIN jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS j(v, n) ON j.n = u.n`;
  }
}

/** A re-run of a capture's job starts from nothing. */
export async function deleteConnectionRows(db: Db, fileId: string): Promise<void> {
  await db.tcpConnection.deleteMany({ where: { fileId } });
}
