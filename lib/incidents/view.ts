/** The incident read model: the page's view (summary, targets, files, diagnosis), its progress, the list. */
import "server-only";
import type { Db } from "@/lib/db/client";
import type { IncidentListItem, IncidentView } from "@/lib/api/incident-schema";
import { bundleFileOrder, FileRowState, isCaptureKind, isPending, type FileStatus } from "@/lib/ingest/file-kinds";
import { readFileCounts, readTally, type FileCounts } from "@/lib/api/file-counts";
import { matchProxy, type GatewayConfig } from "@/lib/parsers/config";
import { pickBucketMs } from "@/lib/analysis/timeline";
import {
  mergeHistogram,
  percentileCont,
  resFor,
  zeroTargetCounts,
  type TargetStatRow,
} from "@/lib/analysis/log-aggregates";
import {
  mergeTargetConnections,
  NO_CAPTURE,
  targetConnectionSummary,
  trafficOutsideLog,
} from "@/lib/incidents/target-connections";
import type { TargetConnections } from "@/lib/api/connection-schema";
import { captureTargetNames } from "./target-names";
import { LOOKUP_FAILURES } from "@/lib/analysis/diagnosis/codes";
import { endpointLabel } from "@/lib/analysis/tcp/profile";
import { diagnosisForView } from "@/lib/analysis/diagnosis/load";
import { captureWindows, coversSpan } from "@/lib/analysis/capture-window";
import { abortedDurations, failuresOutside } from "./failing-transactions";

const num = (v: bigint | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));

type TargetTotals = Omit<TargetStatRow, "durations"> & { answered: number; p50: number | null; p95: number | null };

type TimelineBucket = IncidentView["timeline"]["buckets"][number];

/** A timeline bucket starting at `t` with nothing counted yet. */
const emptyBucket = (t: number): TimelineBucket => ({
  t,
  total: 0,
  errors: {},
  s502: 0,
  s504: 0,
  targetFin: 0,
  targetRst: 0,
  killFin: 0,
  killRst: 0,
});

/** Per-target rows summed over the parsed log files; p50/p95 exact from the merged duration histograms. */
async function targetTotals(db: Db, incidentId: string, fileIds: string[]): Promise<TargetTotals[]> {
  const rows = await db.logTargetStat.findMany({ where: { incidentId, fileId: { in: fileIds } } });
  const by = new Map<string, Omit<TargetTotals, "answered" | "p50" | "p95"> & { hist: Map<number, number> }>();
  for (const r of rows) {
    let a = by.get(r.target);
    if (!a)
      by.set(r.target, (a = { target: r.target, proxy: null, ...zeroTargetCounts(), errorCodes: {}, hist: new Map() }));
    a.requests += r.requests;
    a.e502 += r.e502;
    a.e504 += r.e504;
    a.targetAnswered502 += r.targetAnswered502;
    a.targetAnswered504 += r.targetAnswered504;
    if (r.proxy !== null && (a.proxy === null || r.proxy < a.proxy)) a.proxy = r.proxy;
    for (const [code, n] of Object.entries(readTally(r.errorCodes))) a.errorCodes[code] = (a.errorCodes[code] ?? 0) + n;
    mergeHistogram(a.hist, readTally(r.durations));
  }
  const out = [...by.values()].map(({ hist, ...a }) => ({
    ...a,
    // Answered: a status below 500 (the histogram holds exactly those), or the target's own 502 / 504.
    answered: [...hist.values()].reduce((n, k) => n + k, 0) + a.targetAnswered502 + a.targetAnswered504,
    p50: percentileCont(hist, 0.5),
    p95: percentileCont(hist, 0.95),
  }));
  return out.sort((x, y) => y.e502 - x.e502 || (x.target < y.target ? -1 : x.target > y.target ? 1 : 0));
}

/** The bucketed closes are for the timeline only: not sent with the file. */
/** A file's counts as pages get them: without the close buckets, nor the times of the targets' own answers. */
function pageCounts(counts: FileCounts): FileCounts {
  const { closeBuckets: _omit, ...rest } = counts;
  if (!rest.targetProfiles) return rest;
  return { ...rest, targetProfiles: rest.targetProfiles.map(({ ownErrorTimesMs: _times, ...p }) => p) };
}

export const incidentUrl = (id: string) => `/incidents/${id}`;

/** An endpoint on the gateway's own port (edgemicro.port) that no proxy targets: the client → gateway leg. */
export function clientLegOf(configs: GatewayConfig[]): (target: string) => boolean {
  const ports = new Set(configs.map((c) => c.edgemicro?.port).filter((p): p is number => typeof p === "number"));
  const proxied = new Set(
    configs.flatMap((c) =>
      (c.proxies ?? []).flatMap((p) => (p.target ? [endpointLabel(p.target.host, p.target.port)] : [])),
    ),
  );
  return (target) => !proxied.has(target) && ports.has(Number(target.slice(target.lastIndexOf(":") + 1)));
}

export async function getIncidentView(db: Db, id: string): Promise<IncidentView | null> {
  // Files before the incident: a job sets its file done and refreshes the incident's range in one transaction, so a
  // view that reads every file done reads that range too (the incident first could miss the last file's commit).
  const fileRows = await db.bundleFile.findMany({ where: { incidentId: id }, orderBy: bundleFileOrder() });
  const incident = await db.incident.findUnique({ where: { id } });
  if (!incident) return null;
  const files = fileRows.map((f) => ({ ...f, ...FileRowState.parse(f), counts: readFileCounts(f.counts) }));

  const logFiles = files.filter((f) => f.kind === "gateway-log" && f.status === "done");
  const counts = logFiles.map((f) => f.counts);
  const targetRequests = counts.reduce((a, c) => a + (c.targetRequests ?? 0), 0);
  const events = counts.reduce((a, c) => a + (c.events ?? 0), 0);
  const logCoverage = events === 0 ? "none" : targetRequests > 0 ? "full" : "errors-only";

  // Aggregates precomputed at ingest (lib/analysis/log-aggregates.ts), of parsed files only.
  const doneLogIds = logFiles.map((f) => f.id);
  const [stats] = await db.$queryRaw<
    Array<{ rows: bigint; requests: bigint | null; responses: bigint | null; s5xx: bigint | null }>
  >`
    SELECT count(*) "rows", sum(requests) requests, sum(responses) responses, sum(s5xx) s5xx FROM "StatsDelta" WHERE "incidentId" = ${id}`;

  const firstTs = incident.firstTs?.getTime() ?? null;
  const lastTs = incident.lastTs?.getTime() ?? null;
  const bucketMs = pickBucketMs(firstTs, lastTs);
  const bucketRows = await db.$queryRaw<
    Array<{ b: bigint; code: string | null; n: bigint; s502: bigint; s504: bigint }>
  >`
    SELECT (t / ${bucketMs}::bigint) * ${bucketMs}::bigint b, code, sum(n) n, sum(s502) s502, sum(s504) s504
    FROM "LogBucket" WHERE "incidentId" = ${id} AND "resMs" = ${resFor(bucketMs)} AND "fileId" = ANY(${doneLogIds}::text[])
    GROUP BY 1, 2 ORDER BY 1`;
  const totals = { n: 0, s502: 0, s504: 0 };
  const codeTotals = new Map<string, number>();
  const buckets = new Map<number, TimelineBucket>();
  for (const r of bucketRows) {
    const t = Number(r.b);
    const b = buckets.get(t) ?? emptyBucket(t);
    b.total += num(r.n);
    b.s502 += num(r.s502);
    b.s504 += num(r.s504);
    totals.n += num(r.n);
    totals.s502 += num(r.s502);
    totals.s504 += num(r.s504);
    if (r.code) {
      b.errors[r.code] = (b.errors[r.code] ?? 0) + num(r.n);
      codeTotals.set(r.code, (codeTotals.get(r.code) ?? 0) + num(r.n));
    }
    buckets.set(t, b);
  }
  // Target FIN/RST closes, bucketed at ingest (capture counts.closeBuckets), re-bucketed to this timeline.
  const res = resFor(bucketMs);
  for (const f of files) {
    if (!isCaptureKind(f.kind) || f.status !== "done") continue;
    for (const [ct, fin, rst] of f.counts.closeBuckets?.[res] ?? []) {
      const t = Math.floor(ct / bucketMs) * bucketMs;
      if (firstTs !== null && lastTs !== null && (t < firstTs - bucketMs || t > lastTs)) continue;
      const b = buckets.get(t) ?? emptyBucket(t);
      b.targetFin += fin;
      b.targetRst += rst;
      buckets.set(t, b);
    }
  }
  // Which of those closes killed a request: correlation matched them to a 502 (few rows, read through the
  // index on matchedCorrelationId).
  const doneCaptureIds = files.filter((f) => isCaptureKind(f.kind) && f.status === "done").map((f) => f.id);
  const kills =
    doneCaptureIds.length === 0
      ? []
      : await db.$queryRaw<Array<{ b: bigint; kind: string; n: bigint }>>`
    SELECT (floor(extract(epoch from "closeTs") * 1000 / ${bucketMs}) * ${bucketMs})::bigint b, "closeKind" kind, count(*) n
    FROM "TcpConnection" WHERE "incidentId" = ${id} AND "matchedCorrelationId" IS NOT NULL AND closer = 'target' AND "closeTs" IS NOT NULL
      AND "fileId" = ANY(${doneCaptureIds}::text[])
    GROUP BY 1, 2`;
  for (const k of kills) {
    const b = buckets.get(Number(k.b));
    if (!b) continue;
    if (k.kind === "RST") b.killRst += num(k.n);
    else b.killFin += num(k.n);
  }

  const targetRows = await targetTotals(db, id, doneLogIds);
  // What the captures can speak for: their time on the log's clock.
  const offsetMs = incident.clockOffsetMs ?? incident.detectedClockOffsetMs ?? 0;
  const windows = captureWindows(
    files.filter((f) => isCaptureKind(f.kind) && f.status === "done").map((f) => f.counts),
    offsetMs,
  );
  const logFirst = Math.min(...counts.map((c) => c.firstTs || Infinity));
  const logLast = Math.max(...counts.map((c) => c.lastTs || -Infinity));
  const outside =
    windows.length && doneLogIds.length
      ? await failuresOutside(db, id, doneLogIds, windows)
      : new Map<string, Record<string, number>>();
  const aborted = doneLogIds.length
    ? await abortedDurations(db, id, doneLogIds)
    : new Map<string, Record<string, number>>();
  const full = logCoverage === "full";
  // The capture's addresses under the names the log gives them (localhost:9000 for 127.0.0.1:9000).
  // The logs' time on the captures' clock, first line to last: a failing connection outside it has no line that could
  // name it. One span, not one per file: between the files of a gateway started again its killed connections closed.
  const logSpan = Number.isFinite(logFirst) ? [{ start: logFirst - offsetMs, end: logLast - offsetMs }] : null;
  const configs = files
    .filter((f) => f.kind === "gateway-config" && f.status === "done")
    .map((f) => f.counts.config)
    .filter((c): c is GatewayConfig => !!c);
  // Below level info a target's own answers have no line, and the log's time runs on past its first and last lines
  // until the stats lines, written every stats_log_interval (default 60 s), would have shown it.
  const statsIntervalS = Math.max(0, ...configs.map((c) => c.edgemicro.logging.stats_log_interval ?? 60)) || 60;
  const byAddress = await targetConnectionSummary(db, id, logSpan, full ? 0 : statsIntervalS * 1000);
  // Read only where the log has failed lookups, which no capture shows (lib/analysis/diagnosis/outside-log.ts).
  const lookupsFailed = targetRows.some((r) => LOOKUP_FAILURES.some((k) => r.errorCodes[k]));
  const outsideLogShare =
    logSpan && lookupsFailed && doneCaptureIds.length ? await trafficOutsideLog(db, id, doneCaptureIds, logSpan) : null;
  const alias = await captureTargetNames(db, id, [...byAddress.keys()], { logRows: targetRows, configs });
  const capture = new Map<string, TargetConnections>();
  for (const [address, v] of byAddress) {
    const name = alias.get(address) ?? address;
    const seen = capture.get(name);
    capture.set(name, seen ? mergeTargetConnections(seen, v) : v);
  }
  // Targets seen only in a capture still get a row, but for the gateway's own listener: a capture taken with a
  // loose filter (`host 127.0.0.1`) holds the client → gateway leg too, which is no target.
  const clientLeg = clientLegOf(configs);
  for (const t of capture.keys()) {
    if (!targetRows.some((r) => r.target === t) && !clientLeg(t))
      targetRows.push({
        target: t,
        proxy: null,
        requests: 0,
        e502: 0,
        e504: 0,
        targetAnswered502: 0,
        targetAnswered504: 0,
        errorCodes: {},
        answered: 0,
        p50: null,
        p95: null,
      });
  }
  // Config files name the proxies: "edgemicro_orders /emg_badtarget" rather than the bare base path.
  const proxyLabel = (basePath: string | null) => {
    if (!basePath) return null;
    for (const c of configs) {
      const p = matchProxy(c, basePath.slice(1));
      if (p) return p.name ? `${p.name} ${p.base_path}` : p.base_path;
    }
    return basePath;
  };
  return withDiagnosis(db, {
    id: incident.id,
    title: incident.title,
    note: incident.note,
    org: incident.org,
    env: incident.env,
    createdAt: incident.createdAt.toISOString(),
    url: incidentUrl(incident.id),
    pending: files.some((f) => isPending(f.status)),
    files: files.map((f) => ({
      id: f.id,
      name: f.name,
      kind: f.kind,
      size: Number(f.size),
      status: f.status,
      bytesDone: Number(f.bytesDone),
      error: f.error,
      counts: pageCounts(f.counts),
      parentId: f.parentId,
    })),
    summary: {
      firstTs,
      lastTs,
      transactions: totals.n,
      status502: totals.s502,
      status504: totals.s504,
      errorCodes: Object.fromEntries([...codeTotals].sort((a, b) => b[1] - a[1])),
      malformedLines: counts.reduce((a, c) => a + (c.malformed ?? 0), 0),
      logCoverage,
      captureCoversLog: windows.length && Number.isFinite(logFirst) ? coversSpan(windows, logFirst, logLast) : null,
      captureOutsideLogShare: outsideLogShare,
      statsTotals:
        num(stats.rows) > 0
          ? { requests: num(stats.requests), responses: num(stats.responses), s5xx: num(stats.s5xx) }
          : null,
    },
    timeline: { bucketMs, buckets: [...buckets.values()].sort((x, y) => x.t - y.t) },
    targets: targetRows.map((r) => {
      const requests = full ? num(r.requests) : null;
      return {
        target: r.target,
        proxy: proxyLabel(r.proxy),
        requests,
        answered: full ? r.answered : null,
        errors502: num(r.e502),
        errors504: num(r.e504),
        targetAnswered502: r.targetAnswered502,
        targetAnswered504: r.targetAnswered504,
        errorRate: requests ? num(r.e502) / requests : null,
        errorCodes: r.errorCodes,
        p50Ms: r.p50,
        p95Ms: r.p95,
        failuresOutsideCapture: Object.values(outside.get(r.target) ?? {}).reduce((n, k) => n + k, 0),
        failuresOutsideCaptureCodes: outside.get(r.target) ?? {},
        abortedDurations: aborted.get(r.target) ?? {},
        ...(capture.get(r.target) ?? NO_CAPTURE),
      };
    }),
  });
}

export interface IncidentProgress {
  pending: boolean;
  files: Array<{ id: string; status: FileStatus; bytesDone: number; size: number }>;
}

/** The cheap part of the view the page polls while parsing: one query on BundleFile. */
export async function getIncidentProgress(db: Db, id: string): Promise<IncidentProgress | null> {
  const rows = await db.bundleFile.findMany({
    where: { incidentId: id },
    orderBy: bundleFileOrder(),
    select: { id: true, status: true, bytesDone: true, size: true },
  });
  if (rows.length === 0 && !(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return null;
  const files = rows.map((f) => ({
    id: f.id,
    status: FileRowState.pick({ status: true }).parse(f).status,
    bytesDone: Number(f.bytesDone),
    size: Number(f.size),
  }));
  return { pending: files.some((f) => isPending(f.status)), files };
}

/** The columns both incident lists select (counts as SQL answers them); `listItem` maps them for the plain list and the search. */
export interface ListItemSql {
  id: string;
  title: string;
  createdAt: Date;
  firstTs: Date | null;
  lastTs: Date | null;
  s502: bigint;
  files: bigint;
  pending: bigint;
}

export function listItem(r: ListItemSql): IncidentListItem {
  return {
    id: r.id,
    title: r.title,
    createdAt: r.createdAt.toISOString(),
    firstTs: r.firstTs?.getTime() ?? null,
    lastTs: r.lastTs?.getTime() ?? null,
    status502: num(r.s502),
    files: num(r.files),
    pending: num(r.pending) > 0,
    url: incidentUrl(r.id),
  };
}

export async function listIncidents(db: Db): Promise<IncidentListItem[]> {
  const rows = await db.$queryRaw<ListItemSql[]>`
    SELECT i.id, i.title, i."createdAt", i."firstTs", i."lastTs",
      (SELECT coalesce(sum(b.s502), 0) FROM "LogBucket" b JOIN "BundleFile" f ON f.id = b."fileId" AND f.status = 'done'
        WHERE b."incidentId" = i.id AND b."resMs" = 3600000) s502,
      (SELECT count(*) FROM "BundleFile" f WHERE f."incidentId" = i.id) files,
      (SELECT count(*) FROM "BundleFile" f WHERE f."incidentId" = i.id AND f.status IN ('queued', 'parsing')) pending
    FROM "Incident" i ORDER BY i."createdAt" DESC LIMIT 500`;
  return rows.map(listItem);
}

/** Attaches `diagnosis` to a freshly built view; reads the saved answers from the incident row. */
async function withDiagnosis(db: Db, view: Omit<IncidentView, "diagnosis">): Promise<IncidentView> {
  const row = await db.incident.findUnique({ where: { id: view.id }, select: { answers: true } });
  return { ...view, diagnosis: diagnosisForView(view, row?.answers) };
}
