/** Read side of the TCP connection analysis: per-target summary, paged list, one connection with its ladder. */
import type { Db } from "@/lib/db/client";
import type { ConnectionDetail, ConnectionList, ConnectionQuery, ConnectionRow, TargetConnections } from "@/lib/api/connection-schema";
import type { IdleTimeoutEstimate } from "@/lib/analysis/tcp";
import type { Prisma, TcpConnection } from "@/lib/generated/prisma/client";

const ms = (d: Date | null) => (d === null ? null : d.getTime());

export async function targetConnectionSummary(db: Db, incidentId: string): Promise<Map<string, TargetConnections>> {
  const out = new Map<string, TargetConnections>();
  const get = (t: string) => {
    let v = out.get(t);
    if (!v) {
      v = { connections: { total: 0, byClass: {} }, inferredIdleTimeoutMs: null, idleTimeoutSupport: 0, explained502: {} };
      out.set(t, v);
    }
    return v;
  };
  const files = await db.bundleFile.findMany({ where: { incidentId, kind: { in: ["pcap", "pcapng"] }, status: "done" }, select: { id: true, counts: true } });
  // Connections per target and class were counted at ingest; only the matches (set by correlation) are queried,
  // through the index on matchedCorrelationId, never a scan of every connection.
  for (const f of files) {
    for (const [target, byClass] of Object.entries((f.counts as { byTargetClass?: Record<string, Record<string, number>> }).byTargetClass ?? {})) {
      const v = get(target);
      for (const [code, n] of Object.entries(byClass)) {
        v.connections.total += n;
        v.connections.byClass[code] = (v.connections.byClass[code] ?? 0) + n;
      }
    }
  }
  const matched = await db.$queryRaw<Array<{ target: string; code: string; n: bigint }>>`
    SELECT target, "classCode" code, count(*) n FROM "TcpConnection"
    WHERE "incidentId" = ${incidentId} AND "matchedCorrelationId" IS NOT NULL AND "fileId" = ANY(${files.map((f) => f.id)}::text[]) GROUP BY 1, 2`;
  for (const r of matched) get(r.target).explained502[r.code] = Number(r.n);
  for (const f of files) {
    for (const e of ((f.counts as { idleTimeouts?: IdleTimeoutEstimate[] }).idleTimeouts ?? [])) {
      const v = get(e.target);
      // Several captures: the estimate with the most support wins.
      if (e.timeoutMs !== null && e.support > v.idleTimeoutSupport) {
        v.inferredIdleTimeoutMs = e.timeoutMs;
        v.idleTimeoutSupport = e.support;
      }
    }
  }
  return out;
}

type Tx = { correlationId: string; method: string; url: string; endTs: Date; status: number | null; errCode: string | null; errMessage: string | null };

function toRow(c: TcpConnection, tx: Tx | undefined): ConnectionRow {
  return {
    id: String(c.id),
    fileId: c.fileId,
    index: c.connIndex,
    gateway: c.gatewayHost.includes(":") ? `[${c.gatewayHost}]:${c.gatewayPort}` : `${c.gatewayHost}:${c.gatewayPort}`,
    target: c.target,
    startTs: c.startTs.getTime(),
    endTs: c.endTs.getTime(),
    closeTs: ms(c.closeTs),
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    closeFrame: c.closeFrame,
    packets: { g2t: c.packetsG2T, t2g: c.packetsT2G },
    bytes: { g2t: Number(c.bytesG2T), t2g: Number(c.bytesT2G) },
    closer: c.closer,
    closeKind: c.closeKind,
    retransmissions: c.retransmissions,
    state: c.connState,
    history: c.history,
    idleGapMs: c.idleGapMs,
    class: c.classCode as ConnectionRow["class"],
    reason: c.classReason,
    exchanges: c.exchanges as ConnectionRow["exchanges"],
    matched: tx
      ? { correlationId: tx.correlationId, method: tx.method, url: tx.url, ts: tx.endTs.getTime(), status: tx.status, errCode: tx.errCode, errMessage: tx.errMessage, deltaMs: c.matchedDeltaMs }
      : null,
  };
}

async function matchedTxs(db: Db, incidentId: string, conns: TcpConnection[]): Promise<Map<string, Tx>> {
  const ids = conns.flatMap((c) => (c.matchedCorrelationId ? [c.matchedCorrelationId] : []));
  if (ids.length === 0) return new Map();
  const txs = await db.logTransaction.findMany({
    where: { incidentId, correlationId: { in: ids } },
    select: { correlationId: true, method: true, url: true, endTs: true, status: true, errCode: true, errMessage: true },
  });
  return new Map(txs.map((t) => [t.correlationId, t]));
}

export async function listConnections(db: Db, incidentId: string, q: ConnectionQuery): Promise<ConnectionList> {
  const where: Prisma.TcpConnectionWhereInput = {
    incidentId,
    ...(q.class ? { classCode: q.class } : {}),
    ...(q.target ? { target: q.target } : {}),
    ...(q.state ? { connState: q.state } : {}),
  };
  const orderBy: Prisma.TcpConnectionOrderByWithRelationInput[] =
    q.sort === "gap" ? [{ idleGapMs: { sort: "desc", nulls: "last" } }, { startTs: "asc" }] : [{ startTs: "asc" }, { id: "asc" }];
  const [total, conns] = await Promise.all([
    db.tcpConnection.count({ where }),
    db.tcpConnection.findMany({ where, orderBy, skip: (q.page - 1) * q.pageSize, take: q.pageSize, omit: { ladder: true } }),
  ]);
  const txs = await matchedTxs(db, incidentId, conns as TcpConnection[]);
  return { total, page: q.page, pageSize: q.pageSize, connections: conns.map((c) => toRow(c as TcpConnection, c.matchedCorrelationId ? txs.get(c.matchedCorrelationId) : undefined)) };
}

export async function getConnection(db: Db, incidentId: string, connId: string): Promise<ConnectionDetail | null> {
  if (!/^\d{1,18}$/.test(connId)) return null;
  const c = await db.tcpConnection.findFirst({ where: { incidentId, id: BigInt(connId) } });
  if (!c) return null;
  const txs = await matchedTxs(db, incidentId, [c]);
  return { ...toRow(c, c.matchedCorrelationId ? txs.get(c.matchedCorrelationId) : undefined), ladder: c.ladder as ConnectionDetail["ladder"], ladderOmitted: c.ladderOmitted };
}

/** Distinct targets and states, for the page's filters. */
export async function connectionFacets(db: Db, incidentId: string): Promise<{ targets: string[]; states: string[] }> {
  // DISTINCT in the database: Prisma's `distinct` fetches every row and de-duplicates in JavaScript.
  const rows = await db.$queryRaw<Array<{ target: string; state: string }>>`
    SELECT DISTINCT target, "connState" state FROM "TcpConnection" WHERE "incidentId" = ${incidentId}`;
  return { targets: [...new Set(rows.map((r) => r.target))].sort(), states: [...new Set(rows.map((r) => r.state))].sort() };
}
