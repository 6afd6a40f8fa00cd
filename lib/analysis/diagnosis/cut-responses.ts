/** Responses the log shows cut short (no capture shows them): a premature close, and how many of them were 502s. Pure. */
import { ABORTED_RESPONSE, CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { CUT_NO_502 } from "@/lib/api/connection-schema";
import type { Candidate } from "./candidate";
import { sum } from "./codes";
import type { DiagnosisEvidence, EvidenceRef, TargetEvidence } from "./types";

/**
 * The log's `targetResponse error` aborted / `targetResponse aborted`: the target had the request and began to answer,
 * so no race. The log alone cannot tell the target's close from one by a load balancer in between. `cut502`: how many
 * of them can be 502s. Only a cut after a RST is one (after a FIN the status went on), and none another code names
 * (blind world random-1057 from its log alone: 6 cut by FIN were taken for its 5 races' ECONNRESET 502s).
 */
export function cutInLog(
  t: TargetEvidence,
  e: DiagnosisEvidence,
  failures: number,
  clientGoneOnWire: number,
  logRef: (l: string) => EvidenceRef,
): { candidate: Candidate; cut502: number } | null {
  const aborted = t.errorCodes[ABORTED_RESPONSE] ?? 0;
  if (aborted === 0 || (t.capture?.byClass["target-reset-mid-response"] ?? 0) > 0) return null;
  // At level info the gateway logs a client's own abort (then not counted here); a log of errors only cannot show it.
  const full = e.logs.coverage === "full";
  const explains = Math.min(aborted, failures);
  return {
    cut502: Math.min(explains, cutCanBe502(t, failures, clientGoneOnWire)),
    candidate: {
      cause: "premature-close",
      confidence: full ? "medium" : "low",
      explains,
      summary: `${aborted} response(s) from ${t.target} were cut short: the connection closed after the target began to answer (the gateway logs targetResponse aborted / ECONNRESET; after a FIN it had already passed the status on, so no 502 is logged and the client's response never ends). ${t.capture ? "The capture shows no response cut short: it may not cover them, or its snap length cut the HTTP heads (then a response's length is unknown)." : "A capture of this target shows whether the target itself closed (FIN or RST) or something in between."}${full ? "" : " The log holds errors only: the gateway's own request_timeout firing in the middle of a slow answer would read the same (at level info the transaction shows it). A client that gave up mid-response does not: the gateway reads the target's answer to its end."}`,
      evidence: [logRef(`${ABORTED_RESPONSE} × ${aborted}: targetResponse error / aborted`)],
    },
  };
}

/** How many of a target's failures a cut response can be: those no other code names. */
function cutCanBe502(t: TargetEvidence, failures: number, clientGoneOnWire: number): number {
  const otherCoded =
    sum(t.errorCodes, (k) => k !== ABORTED_RESPONSE && k !== CLIENT_GONE && k !== "none") - clientGoneOnWire;
  return Math.max(0, failures - otherCoded);
}

/**
 * Responses cut short that were no 502 (cut by FIN: the gateway had passed the status on, and the client's response
 * never ended), as the log or a capture shows them. Failures all the same, which the 502s do not count: a cause's
 * weight in the incident may turn on them (blind random-1102 from its log alone: 24 refusals on one target against
 * 15 resets and 20 responses cut by FIN on another, which the truth weighs as 35). Without a log every failing
 * connection is already counted.
 */
export function cutWithout502(t: TargetEvidence, e: DiagnosisEvidence, failures: number, clientGoneOnWire: number) {
  if (!e.logs.present) return 0;
  const inLog = t.errorCodes[ABORTED_RESPONSE] ?? 0;
  return Math.max(
    inLog - Math.min(inLog, cutCanBe502(t, failures, clientGoneOnWire)),
    t.capture?.explained502[CUT_NO_502] ?? 0,
  );
}
