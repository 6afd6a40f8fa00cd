/** What one kind of evidence says about a target, before the strongest is chosen (targets.ts). */
import type { Confidence, EvidenceRef, TargetCause, TargetEvidence } from "./types";

export interface Candidate {
  cause: TargetCause;
  confidence: Confidence;
  explains: number;
  summary: string;
  evidence: EvidenceRef[];
}

export const ms = (n: number) =>
  n >= 10_000 ? `${(n / 1000).toFixed(0)} s` : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
export const RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };
export const minConfidence = (a: Confidence, b: Confidence): Confidence => (RANK[a] <= RANK[b] ? a : b);

/** A target with a capture that recorded none of its logged 502 / 504s (a capture stopped too soon, or started late). */
export const noFailureCaptured = (t: TargetEvidence) =>
  t.capture !== null && t.errors502 + t.errors504 > 0 && (t.outsideCapture ?? 0) >= t.errors502 + t.errors504;
