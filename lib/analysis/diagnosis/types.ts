/** Types of the guided troubleshooting flow. Pure, no I/O. */
import type { TargetProfile } from "@/lib/analysis/tcp/profile";

export type CaptureClass = "keepalive-race" | "premature-close" | (string & {});
export type Outcome = "pass" | "warn" | "fail" | "unknown" | "ask";
/** A target's cause (docs/formats.md §3 and the other 502 causes of the log). */
export type TargetCause =
  | "healthy"
  | "keepalive-mismatch"
  | "premature-close"
  | "both"
  | "target-unreachable"
  | "gateway-timeout"
  | "tls-error"
  | "target-error"
  | "insufficient-data";
/** The incident's: the failing targets' causes summarised; `no-502` when nothing failed. */
export type Cause = Exclude<TargetCause, "healthy"> | "no-502";
export type Confidence = "high" | "medium" | "low";
export type HopName = "client/load balancer" | "gateway" | "target";
export type HopSource = "config" | "capture" | "header" | "answer" | "default";

export interface DiagnosisAnswers {
  targetKeepAliveMs?: number;
  lbKeepAliveMs?: number;
  targetLogsChecked?: "yes-closed" | "yes-nothing" | "no";
}

export interface DiagnosisEvidence {
  incidentId?: string;
  logs: {
    present: boolean;
    coverage: "full" | "errors-only" | "none";
    status502: number;
    econnreset: number;
    byTarget: Array<{ target: string; proxy?: string | null; errors502: number; requests: number | null }>;
    /** 5xx answers the gateway's stats lines counted (every level logs them); null without stats lines. */
    stats5xx?: number | null;
  };
  /** Everything known per target: its log counts and, when a capture covers it, its connections. */
  targets: TargetEvidence[];
  config: {
    present: boolean;
    /** null = unset, Node's default 5000 ms applies. */
    keepAliveTimeoutMs: number | null;
    requestTimeoutS: number | null;
    loggingLevel: string | null;
    /** `timeoutMs`: the proxy's own `timeout` (ms), which overrides request_timeout for its requests. */
    proxies: Array<{ name: string | null; basePath: string; target: string | null; timeoutMs?: number | null }>;
    configLine: { keepAliveTimeout?: number; loggingLevel?: number; requestTimeout?: number; proxies?: number };
    fileName?: string;
  } | null;
  capture: {
    present: boolean;
    byClass: Record<string, number>;
    inferredTargetIdleMs: number | null;
    /** Number of idle gaps the inference rests on. */
    support: number;
    keepAliveHeaderS: number | null;
    explained502: Record<string, number>;
    /** The target the idle timer and header above belong to (the one that races most). */
    target?: string | null;
    /** Whether the captures cover all of the log's time (null: no log to compare with). */
    coversLog?: boolean | null;
    /** Connections the captures show opening outside the log's time, per one within it (null: not read). */
    outsideLogShare?: number | null;
  } | null;
  answers: DiagnosisAnswers;
}

export interface TargetEvidence {
  target: string;
  proxy: string | null;
  requests: number | null;
  /** Requests the log shows it answering (status below 500, or its own 502 / 504); null when the log level hides them. */
  answered: number | null;
  errors502: number;
  errors504: number;
  /** 502s / 504s whose status the target answered itself (log: its targetResponse line carried it). */
  targetAnswered502: number;
  targetAnswered504: number;
  /** Error codes of the target's failed transactions in the log (ECONNRESET, ECONNREFUSED, ETIMEDOUT, ...). */
  errorCodes: Record<string, number>;
  /** Of its 502 / 504s, those no capture recorded from request to log line (outside it or at its edge). */
  outsideCapture?: number;
  /** Those failures by error code, keyed as `errorCodes` ("none": no code, as the target's own answers). */
  outsideCaptureCodes?: Record<string, number>;
  /** The log's responses cut short (targetResponse aborted) by how long their transaction lasted (ms, 100 ms steps). */
  abortedDurations?: Record<string, number>;
  capture: {
    total: number;
    byClass: Record<string, number>;
    explained502: Record<string, number>;
    /** Races by how they were recognised: `idle-timer` (quiet time at the target's idle timer), `after-timer` (a late close of a request sent after it), or `timing` alone. */
    races: Record<string, number>;
    /** Premature closes by how they were recognised; `off-timer` alone is weak (a delayed race looks the same). Absent on captures parsed before. */
    premature?: Record<string, number>;
    profile: TargetProfile | null;
    /** Requests the target closed on without answering: path → count (most frequent first). */
    prematurePaths: Record<string, number>;
    /** The gateway's closes of a pending request by their quiet before (ms, 10 ms steps) → count; absent before. */
    gatewayCloseQuiet?: Record<string, number>;
    /** TLS handshakes not completed, by which side ended them where (classify.ts TlsFailure); absent before. */
    tlsFailures?: Record<string, number>;
    /** Failing connections outside every log file's time, by class: no log line names them. Absent without a log. */
    outsideLog?: Record<string, number>;
  } | null;
}

export interface TargetVerdict {
  target: string;
  proxy: string | null;
  cause: TargetCause;
  confidence: Confidence;
  /** Failed transactions (502/504) of this target the evidence accounts for. */
  explains502: number;
  /** The target's idle timer, only where races were seen. */
  idleTimeoutMs: number | null;
  summary: string;
  evidence: EvidenceRef[];
  fix: { title: string; snippet: string; notes: string[] } | null;
}

export interface EvidenceRef {
  kind: "log" | "config" | "capture" | "answer";
  label: string;
  href?: string;
}
export interface Question {
  id: "targetKeepAliveMs" | "lbKeepAliveMs" | "targetLogsChecked";
  prompt: string;
  unit: "ms" | "choice";
}

export interface Step {
  id: "find-502s" | "which-target" | "keepalive-order" | "premature-close" | "must-gather";
  title: string;
  outcome: Outcome;
  why: string;
  evidence: EvidenceRef[];
  readMore: string;
  question?: Question;
}

export interface Hop {
  name: HopName;
  keepAliveMs: number | null;
  source: HopSource | null;
}
export interface Violation {
  upstream: HopName;
  downstream: HopName;
  byMs: number;
}

export interface Diagnosis {
  verdict: { cause: Cause; confidence: Confidence; explains502: number; summary: string };
  targets: TargetVerdict[];
  steps: Step[];
  hops: Hop[];
  violations: Violation[];
  fix: { title: string; snippet: string; notes: string[] } | null;
  /** `command`: the collector run that gathers the item on the gateway host; `href`: where to download the collector. */
  mustGather: Array<{ item: string; why: string; command?: string; href?: string }>;
}
