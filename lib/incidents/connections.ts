/** TCP connections, read side: paged list (cursors: connection-cursor.ts), one with its ladder. */
import "server-only";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { connectionLadder } from "./connection-ladder";
import { exchangesPath, readExchanges } from "./exchanges-file";
import { dataDirOf } from "@/lib/explore/line-index-file";
import { decodeCursor, encodeCursor, keyOf, segments, walk, type Key } from "./connection-cursor";
import { z } from "zod";
import {
  ConnectionClass,
  ConnStateSchema,
  Exchange,
  type ConnectionDetail,
  type ConnectionList,
  type ConnectionQuery,
  type ConnectionRow,
} from "@/lib/api/connection-schema";
import { Prisma, type TcpConnection } from "@/lib/generated/prisma/client";
import { readFileCounts } from "@/lib/api/file-counts";
import { CAPTURE_KINDS, FileStatusSchema } from "@/lib/ingest/file-kinds";
import { addressesOfTarget } from "./target-names";

const ms = (d: Date | null) => (d === null ? null : d.getTime());

type Tx = {
  correlationId: string;
  method: string;
  url: string;
  endTs: Date;
  status: number | null;
  errCode: string | null;
  errMessage: string | null;
};

/**
 * Each connection's exchanges: from its capture's exchanges file (rows stored since #18), else from the row itself.
 * A file that is gone (its incident being deleted) gives none.
 */
async function exchangesOf(store: BlobStore, conns: TcpConnection[]): Promise<Map<bigint, unknown>> {
  const out = new Map<bigint, unknown>();
  const byFile = new Map<string, TcpConnection[]>();
  for (const c of conns) {
    if (c.exchangesAt === null || c.exchangesBytes === null) out.set(c.id, c.exchanges);
    else {
      const list = byFile.get(c.fileId);
      if (list) list.push(c);
      else byFile.set(c.fileId, [c]);
    }
  }
  for (const [fileId, list] of byFile) {
    const file = exchangesPath(dataDirOf(store), fileId);
    const read = await readExchanges(
      file,
      list.map((c) => ({ at: Number(c.exchangesAt), bytes: c.exchangesBytes ?? 0 })),
    );
    list.forEach((c, i) => out.set(c.id, read[i] ?? []));
  }
  return out;
}

function toRow(c: TcpConnection, tx: Tx | undefined, exchanges: unknown): ConnectionRow {
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
    state: ConnStateSchema.parse(c.connState),
    history: c.history,
    idleGapMs: c.idleGapMs,
    class: ConnectionClass.parse(c.classCode),
    reason: c.classReason,
    exchanges: z.array(Exchange).parse(exchanges ?? []),
    matched: tx
      ? {
          correlationId: tx.correlationId,
          method: tx.method,
          url: tx.url,
          ts: tx.endTs.getTime(),
          status: tx.status,
          errCode: tx.errCode,
          errMessage: tx.errMessage,
          deltaMs: c.matchedDeltaMs,
        }
      : null,
  };
}

async function matchedTxs(db: Db, incidentId: string, conns: TcpConnection[]): Promise<Map<string, Tx>> {
  const ids = conns.flatMap((c) => (c.matchedCorrelationId ? [c.matchedCorrelationId] : []));
  if (ids.length === 0) return new Map();
  const txs = await db.logTransaction.findMany({
    where: { incidentId, correlationId: { in: ids } },
    select: {
      correlationId: true,
      method: true,
      url: true,
      endTs: true,
      status: true,
      errCode: true,
      errMessage: true,
    },
  });
  return new Map(txs.map((t) => [t.correlationId, t]));
}

type Cell = { fileId: string; target: string; cls: string; state: string | null; n: number };

/**
 * Connections per capture file, target, class and state as counted at ingest (bundle file counts
 * `byTargetClassState`; files parsed before it have `byTargetClass`: state null). `uncounted`: capture files without
 * counts (still parsing, failed half-way, or older), whose rows only the table knows.
 */
type StoredCounts = { cells: Cell[]; uncounted: string[] };

async function storedConnectionCounts(db: Db, incidentId: string): Promise<StoredCounts> {
  const files = await db.bundleFile.findMany({
    where: { incidentId, kind: { in: [...CAPTURE_KINDS] } },
    select: { id: true, status: true, counts: true },
  });
  const cells: Cell[] = [];
  const uncounted: string[] = [];
  for (const f of files) {
    const c = FileStatusSchema.parse(f.status) === "done" ? readFileCounts(f.counts) : null;
    if (c?.byTargetClassState) {
      for (const [target, byClass] of Object.entries(c.byTargetClassState)) {
        for (const [cls, byState] of Object.entries(byClass))
          for (const [state, n] of Object.entries(byState)) cells.push({ fileId: f.id, target, cls, state, n });
      }
    } else if (c?.byTargetClass) {
      for (const [target, byClass] of Object.entries(c.byTargetClass))
        for (const [cls, n] of Object.entries(byClass)) cells.push({ fileId: f.id, target, cls, state: null, n });
    } else uncounted.push(f.id);
  }
  return { cells, uncounted };
}

/**
 * The capture addresses a target filter stands for: the name itself and the addresses the log knows by it
 * (localhost:9000 for 127.0.0.1:9000; target-names.ts), so that a verdict's evidence link lists its connections.
 */
async function addressesFor(
  db: Db,
  incidentId: string,
  target: string | undefined,
  { cells, uncounted }: StoredCounts,
): Promise<string[] | null> {
  if (!target) return null;
  const seen = new Set(cells.map((c) => c.target));
  if (uncounted.length)
    for (const r of await db.$queryRaw<Array<{ target: string }>>`
      SELECT DISTINCT target FROM "TcpConnection" WHERE "incidentId" = ${incidentId} AND "fileId" = ANY(${uncounted}::text[])`)
      seen.add(r.target);
  return addressesOfTarget(db, incidentId, target, [...seen]);
}

/**
 * Connections matching the filters, exact and without reading every row: from the counts stored at ingest, plus
 * count(*) over the rows of the files without them (through the fileId index; none once every capture is parsed).
 * `read`: the stored counts and the target filter's addresses, when the caller has them.
 */
export async function countConnections(
  db: Db,
  incidentId: string,
  q: Pick<ConnectionQuery, "class" | "target" | "state">,
  read?: { stored: StoredCounts; targets: string[] | null },
): Promise<number> {
  const stored = read?.stored ?? (await storedConnectionCounts(db, incidentId));
  const targets = read ? read.targets : await addressesFor(db, incidentId, q.target, stored);
  const { cells, uncounted } = stored;
  const inTable = new Set(uncounted);
  if (q.state) for (const c of cells) if (c.state === null) inTable.add(c.fileId);
  let total = 0;
  for (const c of cells) {
    if (
      !inTable.has(c.fileId) &&
      (!q.class || c.cls === q.class) &&
      (!targets || targets.includes(c.target)) &&
      (!q.state || c.state === q.state)
    )
      total += c.n;
  }
  if (inTable.size) {
    total += await db.tcpConnection.count({
      where: {
        incidentId,
        fileId: { in: [...inTable] },
        ...(q.class ? { classCode: q.class } : {}),
        ...(targets ? { target: { in: targets } } : {}),
        ...(q.state ? { connState: q.state } : {}),
      },
    });
  }
  return total;
}

/**
 * One page of connections after (`d: "next"`) or before (`d: "prev"`) the cursor's row; no cursor: the first page,
 * a cursor without a row: the last page. Throws BadCursor for a cursor that does not decode.
 */
export async function listConnections(
  db: Db,
  store: BlobStore,
  incidentId: string,
  q: ConnectionQuery,
): Promise<ConnectionList> {
  const cur = q.cursor === undefined ? null : decodeCursor(q.cursor, q.sort);
  const dir = cur?.d ?? "next";
  const key = cur?.k ?? null;
  const stored = await storedConnectionCounts(db, incidentId);
  const targets = await addressesFor(db, incidentId, q.target, stored);
  const filter = Prisma.join(
    [
      Prisma.sql`"incidentId" = ${incidentId}`,
      ...(q.class ? [Prisma.sql`"classCode" = ${q.class}`] : []),
      ...(targets ? [Prisma.sql`target = ANY(${targets}::text[])`] : []),
      ...(q.state ? [Prisma.sql`"connState" = ${q.state}`] : []),
    ],
    " AND ",
  );
  const total = await countConnections(db, incidentId, q, { stored, targets });
  const page =
    total === 0
      ? { conns: [] as TcpConnection[], hasBefore: false, hasAfter: false }
      : await db.$transaction(async (tx) => {
          // Ordered index scans only. Without statistics (PGlite never analyzes) the planner may take a filtered page
          // for a few rows and read every matching row to sort them (20k races: 140 ms); walking the sort's index, a
          // filter is checked on the index tuple (its columns are in both indexes), so a page costs at most one pass
          // over the incident's index entries, with table reads for the rows shown only.
          await tx.$executeRaw`SET LOCAL enable_sort = off`;
          const walked = await walk(tx, filter, segments(q.sort, dir, key), q.pageSize + 1);
          const ids = walked.slice(0, q.pageSize);
          if (dir === "prev") ids.reverse();
          const found = ids.length ? await tx.tcpConnection.findMany({ where: { id: { in: ids } } }) : [];
          const byId = new Map(found.map((c) => [c.id, c as TcpConnection]));
          const conns = ids.flatMap((id) => byId.get(id) ?? []);
          const more = walked.length > q.pageSize;
          const first = conns[0];
          const last = conns[conns.length - 1];
          // The far side of the walk: is there a row before the first (after the last)? Arrived from a cursor row, almost
          // always; checked anyway so that no link leads to an empty page.
          const exists = async (d: "next" | "prev", c: TcpConnection) =>
            (await walk(tx, filter, segments(q.sort, d, keyOf(q.sort, c)), 1)).length > 0;
          const hasBefore =
            first !== undefined && (dir === "prev" ? more : key !== null && (await exists("prev", first)));
          const hasAfter = last !== undefined && (dir === "next" ? more : key !== null && (await exists("next", last)));
          return { conns, hasBefore, hasAfter };
        });
  const { conns, hasBefore, hasAfter } = page;
  const first = conns[0];
  const last = conns[conns.length - 1];
  const token = (d: "next" | "prev", k?: Key) => encodeCursor({ v: 1, s: q.sort, d, ...(k ? { k } : {}) });
  const [txs, exchanges] = await Promise.all([matchedTxs(db, incidentId, conns), exchangesOf(store, conns)]);
  return {
    total,
    pageSize: q.pageSize,
    sort: q.sort,
    prevCursor: hasBefore ? token("prev", keyOf(q.sort, first)) : null,
    nextCursor: hasAfter ? token("next", keyOf(q.sort, last)) : null,
    lastCursor: total > 0 ? token("prev") : null,
    connections: conns.map((c) =>
      toRow(c, c.matchedCorrelationId ? txs.get(c.matchedCorrelationId) : undefined, exchanges.get(c.id)),
    ),
  };
}

/**
 * The cursor of the page that starts at row `n` (0-based) of the query's order, for benches and tests: found with an
 * OFFSET read, which costs O(n), the cost the cursors avoid. Undefined for row 0 (the first page needs none).
 */
export async function cursorAtRow(
  db: Db,
  incidentId: string,
  q: Pick<ConnectionQuery, "sort" | "class" | "target" | "state">,
  n: number,
): Promise<string | undefined> {
  if (n <= 0) return undefined;
  const targets = q.target
    ? await addressesFor(db, incidentId, q.target, await storedConnectionCounts(db, incidentId))
    : null;
  const row = await db.tcpConnection.findFirst({
    where: {
      incidentId,
      ...(q.class ? { classCode: q.class } : {}),
      ...(targets ? { target: { in: targets } } : {}),
      ...(q.state ? { connState: q.state } : {}),
    },
    orderBy:
      q.sort === "gap"
        ? [{ idleGapMs: { sort: "desc", nulls: "last" } }, { startTs: "asc" }, { id: "asc" }]
        : [{ startTs: "asc" }, { id: "asc" }],
    skip: n - 1,
    select: { id: true, startTs: true, idleGapMs: true },
  });
  return row ? encodeCursor({ v: 1, s: q.sort, d: "next", k: keyOf(q.sort, row) }) : undefined;
}

/** One connection with its ladder, read back from the stored capture (connection-ladder.ts). */
export async function getConnection(
  db: Db,
  store: BlobStore,
  incidentId: string,
  connId: string,
): Promise<ConnectionDetail | null> {
  if (!/^\d{1,18}$/.test(connId)) return null;
  const c = await db.tcpConnection.findFirst({ where: { incidentId, id: BigInt(connId) } });
  if (!c) return null;
  const [txs, exchanges, file] = await Promise.all([
    matchedTxs(db, incidentId, [c]),
    exchangesOf(store, [c]),
    db.bundleFile.findUniqueOrThrow({ where: { id: c.fileId }, select: { sha256: true, counts: true } }),
  ]);
  const { ladder, ladderOmitted, note } = await connectionLadder(store, file, c);
  return {
    ...toRow(c, c.matchedCorrelationId ? txs.get(c.matchedCorrelationId) : undefined, exchanges.get(c.id)),
    ladder,
    ladderOmitted,
    ladderNote: note,
  };
}

/** Distinct targets and states, for the page's filters: from the stored counts, and the table for files without. */
export async function connectionFacets(db: Db, incidentId: string): Promise<{ targets: string[]; states: string[] }> {
  const { cells, uncounted } = await storedConnectionCounts(db, incidentId);
  const inTable = new Set([...uncounted, ...cells.filter((c) => c.state === null).map((c) => c.fileId)]);
  const targets = new Set<string>();
  const states = new Set<string>();
  for (const c of cells) {
    if (inTable.has(c.fileId) || c.n === 0) continue;
    targets.add(c.target);
    states.add(c.state!);
  }
  if (inTable.size) {
    // DISTINCT in the database: Prisma's `distinct` fetches every row and de-duplicates in JavaScript.
    const rows = await db.$queryRaw<Array<{ target: string; state: string }>>`
      SELECT DISTINCT target, "connState" state FROM "TcpConnection" WHERE "incidentId" = ${incidentId} AND "fileId" = ANY(${[...inTable]}::text[])`;
    for (const r of rows) {
      targets.add(r.target);
      states.add(r.state);
    }
  }
  return { targets: [...targets].sort(), states: [...states].sort() };
}
