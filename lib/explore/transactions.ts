import "server-only";
/** Drill-down: the transactions of a timeline bucket or a target, and one transaction with its lines, connection and cause. */
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getConnection } from "@/lib/incidents/connections";
import type { ConnectionDetail } from "@/lib/api/connection-schema";
import { causeOfConnection, causeWithoutCapture, type TransactionCause } from "./cause";
import { queryLines, type ViewOptions } from "./query";
import { LineQuery, type LinePage, type TransactionList, type TransactionQuery, type TransactionRow } from "./schema";

function where(incidentId: string, q: TransactionQuery): Prisma.LogTransactionWhereInput {
  const status: Prisma.IntNullableFilter = {};
  const cls = q.status ? /^([1-5])xx$/.exec(q.status) : null;
  if (cls) Object.assign(status, { gte: Number(cls[1]) * 100, lte: Number(cls[1]) * 100 + 99 });
  else if (q.status) status.equals = Number(q.status);
  if (q.minStatus !== undefined) status.gte = Math.max(typeof status.gte === "number" ? status.gte : 0, q.minStatus);
  return {
    incidentId,
    ...(Object.keys(status).length ? { status } : {}),
    ...(q.errCode ? { errCode: q.errCode === "none" ? null : q.errCode } : {}),
    ...(q.target ? { target: q.target } : {}),
    ...(q.proxy ? { proxy: q.proxy } : {}),
    ...(q.from !== undefined || q.to !== undefined
      ? {
          startTs: {
            ...(q.from !== undefined ? { gte: new Date(q.from) } : {}),
            ...(q.to !== undefined ? { lt: new Date(q.to) } : {}),
          },
        }
      : {}),
  };
}

type TxRecord = Prisma.LogTransactionGetPayload<object>;

function toRow(t: TxRecord, conn: { id: bigint; classCode: string } | undefined): TransactionRow {
  return {
    correlationId: t.correlationId,
    fileId: t.fileId,
    startTs: t.startTs.getTime(),
    endTs: t.endTs.getTime(),
    method: t.method,
    url: t.url,
    proxy: t.proxy,
    target: t.target,
    status: t.status,
    errCode: t.errCode,
    errMessage: t.errMessage,
    durationMs: t.durationMs,
    lineNo: t.lineNo,
    lineCount: t.lineCount,
    connection: conn ? { id: String(conn.id), class: conn.classCode } : null,
  };
}

async function connectionsOf(db: Db, incidentId: string, correlationIds: string[]) {
  if (correlationIds.length === 0) return new Map<string, { id: bigint; classCode: string }>();
  const conns = await db.tcpConnection.findMany({
    where: { incidentId, matchedCorrelationId: { in: correlationIds } },
    select: { id: true, classCode: true, matchedCorrelationId: true },
  });
  return new Map(conns.map((c) => [c.matchedCorrelationId!, c]));
}

export async function listTransactions(db: Db, incidentId: string, q: TransactionQuery): Promise<TransactionList> {
  const w = where(incidentId, q);
  const [total, txs] = await Promise.all([
    db.logTransaction.count({ where: w }),
    db.logTransaction.findMany({
      where: w,
      orderBy: [{ startTs: "asc" }, { id: "asc" }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
  ]);
  const conns = await connectionsOf(
    db,
    incidentId,
    txs.map((t) => t.correlationId),
  );
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    transactions: txs.map((t) => toRow(t, conns.get(t.correlationId))),
  };
}

export interface TransactionDetail {
  correlationId: string;
  /** Usually one; a correlation id seen in two files or far apart in time gives several. */
  transactions: TransactionRow[];
  lines: LinePage;
  connection: ConnectionDetail | null;
  cause: TransactionCause;
}

export async function getTransaction(
  db: Db,
  store: BlobStore,
  incidentId: string,
  correlationId: string,
  opts: ViewOptions = {},
): Promise<TransactionDetail | null> {
  const txs = await db.logTransaction.findMany({ where: { incidentId, correlationId }, orderBy: { startTs: "asc" } });
  if (txs.length === 0) return null;
  const conns = await connectionsOf(db, incidentId, [correlationId]);
  const c = conns.get(correlationId);
  const connection = c ? await getConnection(db, store, incidentId, String(c.id)) : null;
  const lines = await queryLines(db, store, incidentId, LineQuery.parse({ correlationId, limit: 500 }), opts);
  const main = txs.find((t) => t.status !== null && t.status >= 500) ?? txs[0];
  return {
    correlationId,
    transactions: txs.map((t) => toRow(t, c)),
    lines,
    connection,
    cause: connection
      ? causeOfConnection(connection.class, connection.reason)
      : causeWithoutCapture(main.status, main.errCode),
  };
}
