/** The correlation rows of an incident: the pure matching of lib/analysis/correlate.ts over its stored rows. */
import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import {
  correlate,
  DEFAULT_TOLERANCE_MS,
  type Candidate,
  type Correlation,
  type Failure,
} from "@/lib/analysis/correlate";
import { captureTargetNames } from "./target-names";
import { captureWindows } from "@/lib/analysis/capture-window";
import { backgroundRows } from "@/lib/db/bulk-raw";

/**
 * The log's failures a close can explain: a 502 or a reset the gateway met. A 502 the target answered itself (no
 * error code, no message: the gateway passed the target's response on) had its answer, so no close ended it; matched
 * to the nearest idle close it read as the gateway taking a closing socket (blind random-404: 78 of a target's 95
 * own 502s beside its 350 ms idle timer, and the target `keepalive-mismatch` instead of `target-error`).
 */
const GATEWAY_FAILURE_SQL = `(status = 502 OR "errCode" = 'ECONNRESET')
  AND NOT (status = 502 AND "errCode" IS NULL AND "errMessage" IS NULL)`;
export const GATEWAY_FAILURE = Prisma.raw(GATEWAY_FAILURE_SQL);

/**
 * DB step, run after each log or capture file and when a person sets the offset: recomputes every match
 * of the incident with the saved override (Incident.clockOffsetMs) and keeps what was detected.
 */
export async function correlateIncident(
  db: Db,
  incidentId: string,
  toleranceMs = DEFAULT_TOLERANCE_MS,
): Promise<Correlation> {
  // Two files finishing together correlate at once: one that read before the other's rows were all written could
  // store its matches last (a log's 502s then explained by nothing). Each run checks, after storing, that what it read
  // is still all there is, and runs again if not; the last to store had read everything.
  for (let attempt = 1; ; attempt++) {
    const { result, read } = await correlateOnce(db, incidentId, toleranceMs);
    if (attempt >= MAX_ATTEMPTS || sameStamp(await inputStamp(db, incidentId), read)) return result;
  }
}

const MAX_ATTEMPTS = 4;

/**
 * What a correlation reads, in short: rows are only added (a file parsed) or removed (a re-run's reset), so counts
 * and the last connection id change whenever its input does; the offset a person set too. The run itself tells what
 * it read of the connections and failures: counting them again before it held a page for another 60–280 ms (#18).
 */
interface Stamp {
  connections: string;
  failures: number;
  targetStats: number;
  configs: number;
  offset: number | null;
}
const sameStamp = (a: Stamp, b: Stamp) => (Object.keys(a) as Array<keyof Stamp>).every((k) => a[k] === b[k]);

/** The stamp's parts a run does not read as rows: the log's target stats, the parsed configs, the offset. */
async function sideStamp(db: Db, incidentId: string) {
  const [side] = await db.$queryRaw<Array<{ targetStats: number; configs: number; offset: number | null }>>`
    SELECT (SELECT count(*) FROM "LogTargetStat" WHERE "incidentId" = ${incidentId})::int "targetStats",
      (SELECT count(*) FROM "BundleFile" WHERE "incidentId" = ${incidentId} AND kind = 'gateway-config' AND status = 'done')::int configs,
      (SELECT "clockOffsetMs" FROM "Incident" WHERE id = ${incidentId}) "offset"`;
  return side;
}

async function inputStamp(db: Db, incidentId: string): Promise<Stamp> {
  const [{ connections, failures }] = await db.$queryRaw<Array<{ connections: string; failures: number }>>`
    SELECT (SELECT count(*) || '/' || coalesce(max(id), 0) FROM "TcpConnection" WHERE "incidentId" = ${incidentId}) connections,
      (SELECT count(*) FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND ${GATEWAY_FAILURE})::int failures`;
  return { connections, failures, ...(await sideStamp(db, incidentId)) };
}

async function correlateOnce(
  db: Db,
  incidentId: string,
  toleranceMs: number,
): Promise<{ result: Correlation; read: Stamp }> {
  const side = await sideStamp(db, incidentId);

  const txs = await readFailures(db, incidentId);
  const candidates = await readCandidates(db, incidentId);
  // When the captures were recording (their own clock; the file being parsed has no counts stored yet): each file
  // from its first connection's start to its last one's end. The offset is judged on the failures they could show.
  const files = await db.$queryRaw<Array<{ firstTs: number; lastTs: number }>>`
    SELECT (extract(epoch from min("startTs")) * 1000)::float8 "firstTs", (extract(epoch from max("endTs")) * 1000)::float8 "lastTs"
    FROM "TcpConnection" WHERE "incidentId" = ${incidentId} GROUP BY "fileId"`;
  const recording = captureWindows(files, 0);
  // A log that names the target by host name is matched to the capture's address for it.
  const alias = await captureTargetNames(
    db,
    incidentId,
    candidates.map((c) => c.target),
  );
  const result = correlate(
    txs,
    // A name may have several addresses (IPv6 and IPv4): the connections go under the log's name.
    candidates.map((c) => (alias.has(c.target) ? { ...c, target: alias.get(c.target)! } : c)),
    {
      toleranceMs,
      overrideMs: side.offset,
      recording,
    },
  );
  await db.$transaction([
    db.tcpConnection.updateMany({
      where: { incidentId, matchedCorrelationId: { not: null } },
      data: { matchedCorrelationId: null, matchedDeltaMs: null },
    }),
    db.$executeRaw`
      UPDATE "TcpConnection" c SET "matchedCorrelationId" = m.cid, "matchedDeltaMs" = m.d
      FROM unnest(${result.matches.map((m) => m.connId)}::bigint[], ${result.matches.map((m) => m.correlationId)}::text[], ${result.matches.map((m) => m.deltaMs)}::float8[]) AS m(id, cid, d)
      WHERE c.id = m.id AND c."incidentId" = ${incidentId}`,
    db.incident.updateMany({
      where: { id: incidentId },
      data: {
        detectedClockOffsetMs: result.detected?.offsetMs ?? null,
        detectedClockPairs: result.detected?.pairs ?? 0,
        clockWindowMs: result.windowMs,
        clockFailures: txs.length,
      },
    }),
  ]);
  // Candidates come in id order: the last has the largest.
  const lastId = candidates.at(-1)?.id ?? "0";
  return { result, read: { ...side, connections: `${candidates.length}/${lastId}`, failures: txs.length } };
}

/**
 * About this many failures per statement: the 1 M-line log's 10k in one statement held the server's thread for
 * 120–190 ms (#18).
 */
const FAILURE_PAGE = 1_000;

/**
 * The log's failures in time order, then by correlation id, so that two equally good matches go the same way on every
 * run and database (the matching keeps input order on ties); their times in whole ms. Read as JSON (PGlite hands rows
 * over field by field: through Prisma a 1 M-line log's 10k failures took ~200 ms, as JSON ~50 ms), in id ranges of
 * the partial index on (incidentId, id) of the failing rows. A range, not `id > last ORDER BY id LIMIT n`: without
 * statistics (PGlite has no autovacuum) the planner read every failure after `last` for each page and sorted them.
 * Failures are dense in some logs and rare in others, so each range is sized from the one before: about `pageSize`
 * failures, never more than `pageSize` ids when they are dense.
 */
export async function readFailures(db: Db, incidentId: string, pageSize = FAILURE_PAGE): Promise<Failure[]> {
  const [{ lo, hi }] = await backgroundRows<{ lo: string | null; hi: string | null }>(
    db,
    `SELECT min(id)::text lo, max(id)::text hi FROM "LogTransaction" WHERE "incidentId" = $1 AND ${GATEWAY_FAILURE_SQL}`,
    [incidentId],
  );
  const out: Failure[] = [];
  if (lo === null || hi === null) return out;
  let width = BigInt(pageSize);
  for (let from = BigInt(lo); from <= BigInt(hi);) {
    const to = from + width;
    const [{ page }] = await backgroundRows<{ page: string | null }>(
      db,
      `SELECT json_agg(json_build_array("correlationId", target, floor(extract(epoch from "endTs") * 1000)::float8, "errCode"))::text page
      FROM "LogTransaction" WHERE "incidentId" = $1 AND id >= $2::bigint AND id < $3::bigint AND ${GATEWAY_FAILURE_SQL}`,
      [incidentId, String(from), String(to)],
    );
    const rows = JSON.parse(page ?? "[]") as Array<[string, string | null, number, string | null]>;
    for (const [correlationId, target, ts, code] of rows) out.push({ correlationId, target, ts, code });
    from = to;
    // Four times wider after an empty range; else as wide as `pageSize` failures at this range's density.
    const next = rows.length === 0 ? width * 4n : (width * BigInt(pageSize)) / BigInt(rows.length);
    width = next < BigInt(pageSize) ? BigInt(pageSize) : next;
  }
  return out.sort(
    (a, b) => a.ts - b.ts || (a.correlationId < b.correlationId ? -1 : a.correlationId > b.correlationId ? 1 : 0),
  );
}

/**
 * Ids per statement, each read letting a page's queries go first: one statement of 36k connections (a 524 MB capture)
 * held the server's thread for 230 ms, and a page waited behind it (#18). Pages are id ranges, each read through the
 * primary key: `id > last ORDER BY id LIMIT n` sorted every connection after `last`, as costly for 2,500 as for 10k.
 */
const CANDIDATE_PAGE = 2_500;

/** The incident's connections in id order; a connection's time is its close, else its first unanswered request's, else its end. */
export async function readCandidates(db: Db, incidentId: string, pageSize = CANDIDATE_PAGE): Promise<Candidate[]> {
  const [{ lo, hi }] = await backgroundRows<{ lo: string | null; hi: string | null }>(
    db,
    `SELECT min(id)::text lo, max(id)::text hi FROM "TcpConnection" WHERE "incidentId" = $1`,
    [incidentId],
  );
  const out: Candidate[] = [];
  if (lo === null || hi === null) return out;
  for (let from = BigInt(lo); from <= BigInt(hi); from += BigInt(pageSize)) {
    const [{ page }] = await backgroundRows<{ page: string | null }>(
      db,
      `SELECT json_agg(json_build_array(id, target, "classCode",
        coalesce(extract(epoch from "closeTs") * 1000, "pendingReqMs", extract(epoch from "endTs") * 1000)::float8)
        ORDER BY id)::text page
      FROM "TcpConnection" WHERE "incidentId" = $1 AND id >= $2::bigint AND id < $3::bigint`,
      [incidentId, String(from), String(from + BigInt(pageSize))],
    );
    const rows = JSON.parse(page ?? "[]") as Array<[number, string, string, number]>;
    for (const [id, target, classCode, ts] of rows) out.push({ id: String(id), target, ts, classCode });
  }
  return out;
}
