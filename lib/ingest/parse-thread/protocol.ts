/** Messages between the job runner (main thread, owns the database) and the parse thread (no database). */
import type { IssueRow, StatsRow, TransactionRow } from "@/lib/db/bulk";
import type { StoredConnection } from "@/lib/db/bulk-connections";
import type { BucketRow, TargetStatRow } from "@/lib/analysis/log-aggregates";
import type { Endpoint } from "@/lib/analysis/tcp";
import type { RedactedBlob } from "../redact-blob";
import type { FileCounts } from "../handlers/context";

export interface ParseFile {
  id: string;
  name: string;
  sha256: string;
}

/**
 * The size a parse thread reads its file in. Everything parsed from one read lives until the read is done: at 1 MiB
 * that outgrew the young generation (scripts/heap.mjs), and a capture's parse took a quarter longer, mostly
 * collecting garbage (docs/benchmark.md, "The parse thread's reads and the upload's writes").
 */
export const READ_CHUNK_BYTES = 256 * 1024;

/** The work handed to a parse thread: everything it needs from the database is in here. */
export type ParseTask =
  | { kind: "log"; blobsDir: string; file: ParseFile }
  | { kind: "config"; blobsDir: string; file: ParseFile }
  | { kind: "capture"; blobsDir: string; file: ParseFile; configTargets: Endpoint[] };

/** Rows the main thread writes as they come (bulk inserts), in order. */
export type RowBatch =
  | { table: "transactions"; rows: TransactionRow[] }
  | { table: "stats"; rows: StatsRow[] }
  | { table: "connections"; rows: StoredConnection[] };

export interface LogResult {
  kind: "log";
  counts: FileCounts;
  redacted: RedactedBlob;
  issues: IssueRow[];
  buckets: BucketRow[];
  targets: TargetStatRow[];
}
export interface ConfigResult {
  kind: "config";
  counts: FileCounts;
  redacted: RedactedBlob;
  /** Why the text was not parsed; the redacted copy is adopted all the same. */
  error?: string;
}
export interface CaptureResult {
  kind: "capture";
  counts: FileCounts;
}
export type ParseResult = LogResult | ConfigResult | CaptureResult;

export type ToThread = { type: "start"; task: ParseTask } | { type: "ack" };
export type FromThread =
  | { type: "batch"; batch: RowBatch }
  | { type: "progress"; bytes: number }
  | { type: "done"; result: ParseResult }
  | { type: "failed"; message: string };

/** What a task gets from the thread: `emit` resolves once the window of unwritten batches has room again. */
export interface TaskIo {
  emit(batch: RowBatch): Promise<void>;
  progress(bytes: number): void;
}
