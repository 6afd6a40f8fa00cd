/** Resets no capture explains: the person's answers may point somewhere, weakly; else not enough evidence. Pure. */
import { ms, noFailureCaptured, type Candidate } from "./candidate";
import type { DiagnosisEvidence, EvidenceRef, TargetEvidence } from "./types";

/** ECONNRESET / socket hang up without a capture of this target: only answers can point anywhere, and weakly. */
export function fromAnswersOrUnknown(
  t: TargetEvidence,
  e: DiagnosisEvidence,
  resets: number,
  logRef: (l: string) => EvidenceRef,
): Candidate {
  const a = e.answers;
  const gw = e.config?.present ? (e.config.keepAliveTimeoutMs ?? 5000) : null;
  const evidence = [logRef(`${resets} × socket hang up / ECONNRESET`)];
  if (a.targetLogsChecked === "yes-closed") {
    return {
      cause: "premature-close",
      confidence: "low",
      explains: resets,
      summary: `${t.target}: the target's logs show it closing connections (your answer); no capture confirms it.`,
      evidence: [...evidence, { kind: "answer", label: "target logs: closing connections" }],
    };
  }
  if (a.targetKeepAliveMs !== undefined && gw !== null && a.targetKeepAliveMs <= gw) {
    return {
      cause: "keepalive-mismatch",
      confidence: "low",
      explains: resets,
      summary: `${t.target}: its keep-alive of ${ms(a.targetKeepAliveMs)} (your answer) is not longer than the gateway's ${ms(gw)}; a capture would show whether its idle closes cause these resets.`,
      evidence: [...evidence, { kind: "answer", label: `target keep-alive ${ms(a.targetKeepAliveMs)}` }],
    };
  }
  const why = noFailureCaptured(t)
    ? "and none of them lies within the capture's time, from its request to its log line: it shows this target at other times only (if its clock is not the log's, set the clock offset). A capture running while the 502s happen tells a keep-alive race from a premature close"
    : t.capture?.profile?.encrypted
      ? `and the capture of this target is TLS (${t.capture.profile.encrypted} encrypted connection(s)): its exchanges are read from the timing of its records, and none shows a failing close: it may not cover the time of the failures, or the clocks differ. Enter the target's keep-alive timeout, or check its logs at the times of the failures`
      : t.capture
        ? "and the capture shows no failing close on this target: it may not cover the time of the failures (a tcpdump stopped right after the 502s loses its last second of packets), or the clocks differ (set the clock offset)"
        : "but no capture of this target to tell a keep-alive race from a premature close";
  const summary = `${resets} socket hang up / ECONNRESET on ${t.target}, ${why}.`;
  return { cause: "insufficient-data", confidence: "low", explains: 0, summary, evidence };
}
