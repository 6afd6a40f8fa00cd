/** Each target's connections as the capture files counted them at ingest, and two addresses' summed under one name. */
import "server-only";
import type { Db } from "@/lib/db/client";
import { CUT_NO_502, type TargetConnections } from "@/lib/api/connection-schema";
import { CAPTURE_KINDS, type FileStatus } from "@/lib/ingest/file-kinds";
import { readFileCounts } from "@/lib/api/file-counts";
import { mergeProfiles } from "@/lib/analysis/tcp/profile";
import type { Window } from "@/lib/analysis/capture-window";

/** Classes of a connection that failed a request (or its connect): what a log line would have named. */
const FAILING_CLASSES = [
  "keepalive-race",
  "premature-close",
  "target-reset-mid-response",
  "refused",
  "syn-unanswered",
  "tls-handshake-failed",
  "gateway-close",
];
/** How far past a log file's first or last line a failure still counts as within its time: its line lags it by ms. */
const LOG_EDGE_MS = 250;

export const NO_CAPTURE: TargetConnections = {
  connections: { total: 0, byClass: {} },
  inferredIdleTimeoutMs: null,
  idleTimeoutSupport: 0,
  explained502: {},
  races: {},
  premature: {},
  profile: null,
  prematurePaths: {},
  gatewayCloseQuiet: {},
  tlsFailures: {},
  outsideLog: {},
};

const addTally = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

/**
 * `logWindows`: the logs' time on the captures' clock (null: no log, nothing is outside it); `ownAnswersMarginMs`: how
 * far past them the logs' time may run for a target's own answers, which have no line below level info.
 */
export async function targetConnectionSummary(
  db: Db,
  incidentId: string,
  logWindows: Window[] | null = null,
  ownAnswersMarginMs = 0,
): Promise<Map<string, TargetConnections>> {
  const out = new Map<string, TargetConnections>();
  const get = (t: string) => {
    let v = out.get(t);
    if (!v) out.set(t, (v = structuredClone(NO_CAPTURE)));
    return v;
  };
  const files = await db.bundleFile.findMany({
    where: { incidentId, kind: { in: [...CAPTURE_KINDS] }, status: "done" satisfies FileStatus },
    select: { id: true, counts: true },
  });
  // Connections per target and class were counted at ingest; only the matches (set by correlation) are queried,
  // through the index on matchedCorrelationId, never a scan of every connection.
  for (const f of files) {
    // Captures parsed before target profiles existed lack them: they read as no profile.
    const counts = readFileCounts(f.counts);
    for (const [target, byClass] of Object.entries(counts.byTargetClass ?? {})) {
      const v = get(target);
      for (const n of Object.values(byClass)) v.connections.total += n;
      addTally(v.connections.byClass, byClass);
    }
    for (const [target, races] of Object.entries(counts.racesByTarget ?? {})) addTally(get(target).races, races);
    for (const [target, kinds] of Object.entries(counts.prematureByTarget ?? {}))
      addTally(get(target).premature, kinds);
    for (const [target, kinds] of Object.entries(counts.tlsFailuresByTarget ?? {}))
      addTally(get(target).tlsFailures, kinds);
    for (const [target, paths] of Object.entries(counts.prematurePathsByTarget ?? {}))
      addTally(get(target).prematurePaths, paths);
    for (const [target, quiets] of Object.entries(counts.gatewayCloseQuietByTarget ?? {}))
      addTally(get(target).gatewayCloseQuiet, quiets);
    for (const p of counts.targetProfiles ?? []) {
      const v = get(p.target);
      v.profile = v.profile ? mergeProfiles(v.profile, p) : p;
      if (p.cluster && p.cluster.n > v.idleTimeoutSupport) {
        v.inferredIdleTimeoutMs = p.cluster.ms;
        v.idleTimeoutSupport = p.cluster.n;
      }
    }
  }
  // A 502 at a target's idle close: the gateway picked the socket as the target's FIN arrived, before writing. A
  // response cut short whose transaction is no 502 (cut by FIN: the status had gone on) is counted apart, CUT_NO_502.
  const matched = await db.$queryRaw<Array<{ target: string; code: string; n: bigint }>>`
    SELECT target, CASE WHEN "classCode" = 'normal' AND closer = 'target' THEN 'target-idle-close'
      WHEN "classCode" = 'target-reset-mid-response' AND s.id IS NULL THEN ${CUT_NO_502}
      ELSE "classCode" END code, count(*) n
    FROM "TcpConnection" c LEFT JOIN (SELECT DISTINCT "correlationId" id FROM "LogTransaction"
      WHERE "incidentId" = ${incidentId} AND status = 502) s ON s.id = c."matchedCorrelationId"
    WHERE "incidentId" = ${incidentId} AND "matchedCorrelationId" IS NOT NULL AND "fileId" = ANY(${files.map((f) => f.id)}::text[]) GROUP BY 1, 2`;
  for (const r of matched) get(r.target).explained502[r.code] = Number(r.n);
  if (logWindows?.length) {
    const outside = await db.$queryRaw<Array<{ target: string; code: string; n: bigint }>>`
      SELECT target, "classCode" code, count(*) n FROM "TcpConnection" c
      WHERE "incidentId" = ${incidentId} AND "classCode" = ANY(${FAILING_CLASSES}::text[])
        AND "fileId" = ANY(${files.map((f) => f.id)}::text[])
        AND NOT EXISTS (SELECT 1 FROM unnest(${logWindows.map((w) => w.start)}::float8[], ${logWindows.map((w) => w.end)}::float8[]) w(s, e)
          WHERE extract(epoch from coalesce(c."closeTs", c."endTs")) * 1000 BETWEEN w.s - ${LOG_EDGE_MS} AND w.e + ${LOG_EDGE_MS})
      GROUP BY 1, 2`;
    for (const r of outside) get(r.target).outsideLog[r.code] = Number(r.n);
    // The target's own 502 / 504 answers there, and its answers that are not HTTP, are failures no log line names
    // either (blind world random-1297 at level error, its log cut: the capture's 7 own 502s against the races of the
    // log's time alone). An invalid answer has its gateway error line at any level; the 502 / 504s may not.
    const within = (ms: number, edge: number) => logWindows.some((w) => ms >= w.start - edge && ms <= w.end + edge);
    for (const v of out.values())
      for (const [kind, times] of Object.entries(v.profile?.ownErrorTimesMs ?? {})) {
        const edge = LOG_EDGE_MS + (kind === "invalid" ? 0 : ownAnswersMarginMs);
        const n = times.filter((ms) => !within(ms, edge)).length;
        if (n) v.outsideLog[`target-${kind}`] = n;
      }
  }
  // Read here only: pages get the counts, not up to OWN_ERROR_TIMES_MAX times per target.
  for (const v of out.values()) if (v.profile) delete v.profile.ownErrorTimesMs;
  return out;
}

/**
 * Connections the captures show opening outside the logs' time, per connection opening within it: how much of the
 * gateway's traffic the logs miss, and so of their failures that never reach the wire (lookups), at the logs' rate.
 * Time alone would count a capture's idle minutes before the gateway started, where nothing could fail.
 */
export async function trafficOutsideLog(
  db: Db,
  incidentId: string,
  fileIds: string[],
  logWindows: Window[],
): Promise<number> {
  const [{ outside, inside }] = await db.$queryRaw<Array<{ outside: number; inside: number }>>`
    SELECT count(*) FILTER (WHERE NOT inlog)::int outside, count(*) FILTER (WHERE inlog)::int inside
    FROM (SELECT EXISTS (SELECT 1 FROM unnest(${logWindows.map((w) => w.start)}::float8[], ${logWindows.map((w) => w.end)}::float8[]) w(s, e)
        WHERE extract(epoch from c."startTs") * 1000 BETWEEN w.s - ${LOG_EDGE_MS} AND w.e + ${LOG_EDGE_MS}) inlog
      FROM "TcpConnection" c WHERE "incidentId" = ${incidentId} AND "fileId" = ANY(${fileIds}::text[])) x`;
  return outside / Math.max(inside, 1);
}

/** Two addresses' connections under one name (a name with an IPv6 and an IPv4 address). */
export function mergeTargetConnections(a: TargetConnections, b: TargetConnections): TargetConnections {
  const v = structuredClone(a);
  v.connections.total += b.connections.total;
  addTally(v.connections.byClass, b.connections.byClass);
  for (const k of [
    "explained502",
    "races",
    "premature",
    "prematurePaths",
    "gatewayCloseQuiet",
    "tlsFailures",
    "outsideLog",
  ] as const)
    addTally(v[k], b[k]);
  v.profile = v.profile && b.profile ? mergeProfiles(v.profile, b.profile) : (v.profile ?? b.profile);
  if (b.idleTimeoutSupport > v.idleTimeoutSupport) {
    v.inferredIdleTimeoutMs = b.inferredIdleTimeoutMs;
    v.idleTimeoutSupport = b.idleTimeoutSupport;
  }
  return v;
}
