/** CSV tables of an analysis: per-target rates and transactions. Pure builders. */
import type { IncidentView } from "@/lib/api/incident-schema";
import { CUT_NO_502 } from "@/lib/api/connection-schema";
import { csvRow } from "./csv";

export const TARGET_COLUMNS = [
  "target",
  "proxy",
  "requests",
  "errors_502",
  "errors_504",
  "error_rate_502",
  "error_codes",
  "p50_ms",
  "p95_ms",
  "connections",
  "keepalive_races",
  "premature_closes",
  "inferred_idle_timeout_ms",
  "explained_502",
  "cause",
  "confidence",
  "failures_explained",
  "idle_timeout_ms",
  "fix",
  "answers_used",
] as const;

const codes = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(";");

/** One row per target: its counts and, from the diagnosis, its verdict and fix (answers a person typed are named). */
export function targetsCsv(view: Pick<IncidentView, "targets" | "diagnosis">): string {
  let out = csvRow([...TARGET_COLUMNS]);
  for (const t of view.targets) {
    const v = view.diagnosis.targets.find((x) => x.target === t.target);
    const answers =
      v?.evidence
        .filter((e) => e.kind === "answer")
        .map((e) => e.label)
        .join("; ") ?? "";
    out += csvRow([
      t.target,
      t.proxy,
      t.requests,
      t.errors502,
      t.errors504,
      t.errorRate,
      codes(t.errorCodes),
      t.p50Ms,
      t.p95Ms,
      t.connections.total,
      t.connections.byClass["keepalive-race"] ?? 0,
      t.connections.byClass["premature-close"] ?? 0,
      t.inferredIdleTimeoutMs,
      Object.entries(t.explained502).reduce((a, [k, n]) => a + (k === CUT_NO_502 ? 0 : n), 0),
      v?.cause ?? null,
      v?.confidence ?? null,
      v?.explains502 ?? null,
      v?.idleTimeoutMs ?? null,
      v?.fix?.title ?? null,
      answers || null,
    ]);
  }
  return out;
}

export const TRANSACTION_COLUMNS = [
  "correlation_id",
  "start",
  "end",
  "method",
  "url",
  "proxy",
  "target",
  "status",
  "err_code",
  "err_message",
  "duration_ms",
  "log_file",
  "line_no",
  "byte_offset",
  "line_count",
  "connection_id",
  "connection_class",
  "close_frame",
  "delta_ms",
] as const;

export interface TransactionCsvRow {
  correlationId: string;
  startTs: Date;
  endTs: Date;
  method: string;
  url: string;
  proxy: string | null;
  target: string | null;
  status: number | null;
  errCode: string | null;
  errMessage: string | null;
  durationMs: number | null;
  fileName: string;
  lineNo: number;
  byteOffset: bigint | number;
  lineCount: number;
  connId: bigint | string | null;
  classCode: string | null;
  closeFrame: number | null;
  deltaMs: number | null;
}

export function transactionCsvRow(r: TransactionCsvRow): string {
  return csvRow([
    r.correlationId,
    r.startTs.toISOString(),
    r.endTs.toISOString(),
    r.method,
    r.url,
    r.proxy,
    r.target,
    r.status,
    r.errCode,
    r.errMessage,
    r.durationMs,
    r.fileName,
    r.lineNo,
    Number(r.byteOffset),
    r.lineCount,
    r.connId === null ? null : String(r.connId),
    r.classCode,
    r.closeFrame,
    r.deltaMs,
  ]);
}
