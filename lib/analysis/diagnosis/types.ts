/** Types of the guided troubleshooting flow. Pure, no I/O. */

export type CaptureClass = "keepalive-race" | "premature-close" | (string & {});
export type Outcome = "pass" | "warn" | "fail" | "unknown" | "ask";
export type Cause = "keepalive-mismatch" | "premature-close" | "both" | "insufficient-data" | "no-502";
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
  };
  config: {
    present: boolean;
    /** null = unset, Node's default 5000 ms applies. */
    keepAliveTimeoutMs: number | null;
    requestTimeoutS: number | null;
    loggingLevel: string | null;
    proxies: Array<{ name: string | null; basePath: string; target: string | null }>;
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
  } | null;
  answers: DiagnosisAnswers;
}

export interface EvidenceRef { kind: "log" | "config" | "capture" | "answer"; label: string; href?: string }
export interface Question { id: "targetKeepAliveMs" | "lbKeepAliveMs" | "targetLogsChecked"; prompt: string; unit: "ms" | "choice" }

export interface Step {
  id: "find-502s" | "which-target" | "keepalive-order" | "premature-close" | "must-gather";
  title: string;
  outcome: Outcome;
  why: string;
  evidence: EvidenceRef[];
  readMore: string;
  question?: Question;
}

export interface Hop { name: HopName; keepAliveMs: number | null; source: HopSource | null }
export interface Violation { upstream: HopName; downstream: HopName; byMs: number }

export interface Diagnosis {
  verdict: { cause: Cause; confidence: "high" | "medium" | "low"; explains502: number; summary: string };
  steps: Step[];
  hops: Hop[];
  violations: Violation[];
  fix: { title: string; snippet: string; notes: string[] } | null;
  mustGather: Array<{ item: string; why: string }>;
}
