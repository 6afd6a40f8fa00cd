/**
 * Types for Edge Microgateway log parsing (docs/formats.md §1). Pure, no I/O.
 *
 * Common positional fields:
 * - `lineNo`: 1-based physical line number in the file.
 * - `offset`: byte offset of the line start in the file.
 * - `length`: bytes of the line including its terminator (`\n` or `\r\n`), so that
 *   `offset + length` is the next line's offset. For an event line with a stack trace
 *   this covers the event line only.
 * - `ts`: epoch milliseconds (UTC).
 * - `pid`: kept as a string: it may be an OS pid or a small cluster worker id, or empty.
 */

interface LinePos {
  lineNo: number;
  offset: number;
  length: number;
}

/** 1a. `TS [LEVEL][HOST][PID][ORG][ENV][URL][CLIENT_IP][CLIENT_ID][CORRELATION_ID][COMPONENT][MESSAGE][METHOD][STATUS][ERR_MESSAGE][ERR_CODE][DURATION_MS]` */
export interface EventLine extends LinePos {
  kind: "event";
  ts: number;
  level: string;
  host: string;
  pid: string;
  org: string;
  env: string;
  url: string;
  clientIp: string;
  clientId: string;
  correlationId: string;
  component: string;
  message: string;
  method: string;
  status: number | null;
  errMessage: string;
  errCode: string;
  durationMs: number | null;
  /** Continuation lines (no time stamp) that followed, joined by `\n`, truncated to 4 KiB. */
  stack: string | null;
}

export interface StatusCodeCounts {
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
}

/** 1b. `TS stats PID treqErrors=0, tresErrors=0, statusCodes={1=0, ...}, requests=24, responses=24, connections=1, ...` (cumulative per process) */
export interface StatsLine extends LinePos {
  kind: "stats";
  ts: number;
  pid: string;
  treqErrors: number;
  tresErrors: number;
  statusCodes: StatusCodeCounts;
  requests: number;
  responses: number;
  connections: number;
}

/** 1b. `TS LEVEL PID TEXT key=value, key=value, ...` */
export interface RecordLine extends LinePos {
  kind: "record";
  ts: number;
  level: string;
  pid: string;
  text: string;
  fields: Record<string, string>;
}

/** 1c. `TS [PID] [COMPONENT] free text` */
export interface ConsoleLine extends LinePos {
  kind: "console";
  ts: number;
  pid: string;
  component: string;
  text: string;
}

export type MalformedReason =
  | "no timestamp"
  | "bad date"
  | "wrong bracket count"
  | "bad stats line"
  | "bad record line"
  | "bad console line"
  | "line too long"
  | "binary"
  | "invalid utf-8";

export interface MalformedLine extends LinePos {
  kind: "malformed";
  reason: MalformedReason;
  /** First 120 characters, control characters replaced by U+FFFD. */
  excerpt: string;
}

export type LogItem = EventLine | StatsLine | RecordLine | ConsoleLine | MalformedLine;

export interface LogParserOptions {
  /** Lines longer than this (bytes, without terminator) are reported as malformed and not buffered. Default 1 MiB. */
  maxLineBytes?: number;
}

/** One client request, stitched from the event lines sharing a correlation id. */
export interface Transaction {
  correlationId: string;
  startTs: number;
  endTs: number;
  method: string;
  url: string;
  /** `host:port` from target-side lines (targetRequest, targetResponse, ...). */
  target: string;
  /** HOST field of source-side lines (the gateway's address as the client saw it). */
  gatewayHost: string;
  clientIp: string;
  clientId: string;
  org: string;
  env: string;
  pid: string;
  /** Client-facing status: sourceResponse, else the microgateway-core/errors-middleware line, else targetResponse. */
  status: number | null;
  targetStatus: number | null;
  /**
   * The target's response began but its connection closed before it was complete (`targetResponse error` with
   * message `aborted`, or `targetResponse aborted`): the gateway may already have passed a 200 on. Not stored.
   */
  targetAborted: boolean;
  /** The client went away first and the gateway aborted the target request itself (its own log line). Not stored. */
  clientAborted: boolean;
  errMessage: string;
  errCode: string;
  durationMs: number | null;
  firstLineNo: number;
  firstOffset: number;
  lineCount: number;
}

/** Per-stats-line increments, computed from cumulative per-process counters. */
export interface StatsDelta extends StatusCodeCounts {
  ts: number;
  pid: string;
  requests: number;
  responses: number;
  treqErrors: number;
  tresErrors: number;
  /** True when this line started a new counter series (new pid or a counter went down). */
  restarted: boolean;
  /** True when the file began after this line's process started: its counters set the series' zero (deltas all 0). */
  baseline: boolean;
}

export interface StatsTotals extends StatusCodeCounts {
  requests: number;
  responses: number;
  treqErrors: number;
  tresErrors: number;
}
