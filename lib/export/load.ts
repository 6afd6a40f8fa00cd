import "server-only";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { getIncidentView } from "@/lib/incidents/view";
import { getClockAlignment } from "@/lib/incidents/clock";
import { endpointLabel } from "@/lib/analysis/tcp";
import type { ConnectionRow } from "@/lib/api/connection-schema";
import { readTransactionLines } from "./log-lines";
import { SCHEMA_VERSION, type AnalysisExport, type Example } from "./schema";

export const EXAMPLE_LIMIT = 20;
/** Lines shown per example: a transaction at level info writes about five. */
const LINES_PER_EXAMPLE = 8;

type ExampleRow = {
  correlationId: string;
  endTs: Date;
  method: string;
  url: string;
  target: string | null;
  status: number | null;
  errCode: string | null;
  errMessage: string | null;
  lineNo: number;
  byteOffset: bigint;
  lineCount: number;
  fileId: string;
  fileName: string;
  sha256: string;
  fileStatus: string;
  connId: bigint | null;
  classCode: string | null;
  closer: string | null;
  closeKind: string | null;
  firstFrame: number | null;
  closeFrame: number | null;
  lastFrame: number | null;
  idleGapMs: number | null;
  deltaMs: number | null;
  gatewayHost: string | null;
  gatewayPort: number | null;
  captureFile: string | null;
};

/** The 502 / ECONNRESET transactions, those a captured connection explains first, with their log lines and frames. */
export async function loadExamples(
  db: Db,
  store: BlobStore,
  incidentId: string,
  limit = EXAMPLE_LIMIT,
): Promise<Example[]> {
  const rows = await db.$queryRaw<ExampleRow[]>`
    SELECT t."correlationId", t."endTs", t.method, t.url, t.target, t.status, t."errCode", t."errMessage",
           t."lineNo", t."byteOffset", t."lineCount", t."fileId", f.name "fileName", f.sha256, f.status "fileStatus",
           c.id "connId", c."classCode", c.closer, c."closeKind", c."firstFrame", c."closeFrame", c."lastFrame",
           c."idleGapMs", c."matchedDeltaMs" "deltaMs", c."gatewayHost", c."gatewayPort", cf.name "captureFile"
    FROM "LogTransaction" t
    JOIN "BundleFile" f ON f.id = t."fileId"
    LEFT JOIN "TcpConnection" c ON c."incidentId" = t."incidentId" AND c."matchedCorrelationId" = t."correlationId"
    LEFT JOIN "BundleFile" cf ON cf.id = c."fileId"
    WHERE t."incidentId" = ${incidentId} AND (t.status = 502 OR t."errCode" = 'ECONNRESET')
    ORDER BY (c.id IS NULL), t."endTs", t.id
    LIMIT ${limit}`;
  return Promise.all(
    rows.map(async (r): Promise<Example> => {
      // Until its parse is done a log's stored blob is the upload itself (the redacted copy replaces it at the end),
      // and the offsets are the redacted copy's: no lines then.
      const lines =
        r.fileStatus !== "done"
          ? []
          : await readTransactionLines(
              store.pathOf(r.sha256),
              Number(r.byteOffset),
              r.lineNo,
              r.correlationId,
              Math.min(r.lineCount, LINES_PER_EXAMPLE),
            ).catch(() => []);
      return {
        correlationId: r.correlationId,
        ts: r.endTs.getTime(),
        method: r.method,
        url: r.url,
        target: r.target,
        status: r.status,
        errCode: r.errCode,
        errMessage: r.errMessage,
        log: { fileId: r.fileId, file: r.fileName, lineNo: r.lineNo, byteOffset: Number(r.byteOffset), lines },
        connection:
          r.connId === null
            ? null
            : {
                id: String(r.connId),
                captureFile: r.captureFile ?? "",
                gateway: endpointLabel(r.gatewayHost ?? "", r.gatewayPort ?? 0),
                class: r.classCode as ConnectionRow["class"],
                closer: r.closer,
                closeKind: r.closeKind,
                firstFrame: r.firstFrame ?? 0,
                closeFrame: r.closeFrame,
                lastFrame: r.lastFrame ?? 0,
                idleGapMs: r.idleGapMs,
                deltaMs: r.deltaMs,
              },
      };
    }),
  );
}

/** Everything the exports are built from; null when the incident does not exist. */
export async function loadAnalysis(
  db: Db,
  store: BlobStore,
  incidentId: string,
  now = new Date(),
): Promise<AnalysisExport | null> {
  const [incident, clock] = await Promise.all([getIncidentView(db, incidentId), getClockAlignment(db, incidentId)]);
  if (!incident || !clock) return null;
  return {
    schemaVersion: SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    incident,
    clock,
    examples: await loadExamples(db, store, incidentId),
  };
}
