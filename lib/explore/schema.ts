import { z } from "zod";
import { KINDS } from "@/lib/parsers/log/line-index";
import type { TransactionRow as StoredTransaction } from "@/lib/db/bulk";

/** Epoch ms, or an ISO-8601 date (what a person pastes from a log line). */
export const Time = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    if (/^\d{1,15}$/.test(v)) return Number(v);
    const t = Date.parse(v.trim().replace(" UTC", "Z").replace(" ", "T"));
    return Number.isNaN(t) ? v : t;
  },
  z.number({ error: "a time: epoch milliseconds or an ISO-8601 date" }).finite(),
);

/** `GET /api/incidents/{id}/lines` and the log explorer page: defined once here. */
export const LineQuery = z.object({
  file: z.string().max(100).optional(),
  level: z.string().max(40).optional(),
  kind: z.enum(KINDS).optional(),
  status: z
    .string()
    .regex(/^(\d{3}|[1-5]xx)$/, "a status such as 502, or a class such as 5xx")
    .optional(),
  errCode: z.string().max(100).optional(),
  target: z.string().max(300).optional(),
  proxy: z.string().max(300).optional(),
  component: z.string().max(200).optional(),
  pid: z.string().max(60).optional(),
  correlationId: z.string().max(200).optional(),
  from: Time.optional(),
  to: Time.optional(),
  q: z.string().max(200).optional(),
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type LineQuery = z.infer<typeof LineQuery>;

export const FILTER_KEYS = [
  "file",
  "level",
  "kind",
  "status",
  "errCode",
  "target",
  "proxy",
  "component",
  "pid",
  "correlationId",
  "from",
  "to",
  "q",
] as const;

/** Query-string params (as Next hands them over) → LineQuery input: blank values dropped. */
export function queryInput(
  sp: Record<string, string | string[] | undefined> | URLSearchParams,
): Record<string, string> {
  const entries =
    sp instanceof URLSearchParams
      ? [...sp.entries()]
      : Object.entries(sp).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as const] : []));
  return Object.fromEntries(entries.filter(([, v]) => v.trim() !== ""));
}

export interface ExploreLine {
  fileId: string;
  file: string;
  lineNo: number;
  ts: number | null;
  kind: (typeof KINDS)[number];
  level: string;
  status: number | null;
  errCode: string;
  correlationId: string;
  /** The raw line as stored (redacted), cut at MAX_SHOWN_BYTES. */
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface LinePage {
  /** Lines matching the structured filters (before free text). */
  candidates: number;
  cursor: number;
  limit: number;
  nextCursor: number | null;
  prevCursor: number | null;
  lines: ExploreLine[];
  /** Free-text search: how far this page scanned the candidates. */
  text: { scannedTo: number; scanned: number } | null;
  files: Array<{ id: string; name: string; lines: number | null }>;
  /** Log files parsed before line indexes existed (or whose index is missing): not searchable. */
  unindexed: string[];
}

export interface LineFacets {
  levels: string[];
  kinds: string[];
  statuses: number[];
  errCodes: string[];
  components: string[];
  pids: string[];
  targets: string[];
  proxies: string[];
}

export interface LineContext {
  fileId: string;
  file: string;
  lineNo: number;
  lines: Array<{ lineNo: number; text: string }>;
  /** True when the file ends within the window. */
  atEnd: boolean;
}

/** `GET /api/incidents/{id}/transactions` and the transactions page (a timeline bar, a target row). */
export const TransactionQuery = z.object({
  from: Time.optional(),
  to: Time.optional(),
  status: z
    .string()
    .regex(/^(\d{3}|[1-5]xx)$/, "a status such as 502, or a class such as 5xx")
    .optional(),
  minStatus: z.coerce.number().int().min(100).max(599).optional(),
  /** `none`: transactions without an error code. */
  errCode: z.string().max(100).optional(),
  target: z.string().max(300).optional(),
  proxy: z.string().max(300).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type TransactionQuery = z.infer<typeof TransactionQuery>;

/** A stored transaction as the explorer lists it: the row ingest wrote (lib/db/bulk.ts), its file and its connection. */
export interface TransactionRow extends Omit<StoredTransaction, "byteOffset"> {
  fileId: string;
  connection: { id: string; class: string } | null;
}

export interface TransactionList {
  total: number;
  page: number;
  pageSize: number;
  transactions: TransactionRow[];
}

export const ContextQuery = z.object({
  file: z.string().min(1).max(100),
  line: z.coerce.number().int().min(1),
  around: z.coerce.number().int().min(0).max(500).default(10),
});
export type ContextQuery = z.infer<typeof ContextQuery>;
