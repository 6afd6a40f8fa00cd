/**
 * Responses the log shows cut short (no capture shows them as the target's close): a premature close, or the gateway's
 * own timeout in the middle of a slow answer, and how many of them were 502s. Pure.
 */
import { ABORTED_RESPONSE, CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { CUT_NO_502 } from "@/lib/api/connection-schema";
import type { Candidate } from "./candidate";
import { closesBeforeTimeout, shortestTimeoutMs } from "./client-aborts";
import { gateway504, ownAnswers } from "./own-answers";
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
  capRef: (cls: string, l: string) => EvidenceRef,
): { candidate: Candidate; cut502: number } | null {
  const aborted = t.errorCodes[ABORTED_RESPONSE] ?? 0;
  if (aborted === 0 || (t.capture?.byClass["target-reset-mid-response"] ?? 0) > 0) return null;
  // At level info the gateway logs a client's own abort (then not counted here); a log of errors only cannot show it.
  const full = e.logs.coverage === "full";
  const explains = Math.min(aborted, failures);
  const cut502 = Math.min(explains, cutCanBe502(t, failures, clientGoneOnWire));
  const timeoutMs = shortestTimeoutMs(t, e);
  const timed = timeoutMs !== null && timeoutMs !== Infinity;
  const byGateway = timed ? gatewayCuts(t, e, timeoutMs, clientGoneOnWire) : 0;
  // Cuts as late as the gateway's timeout after their request may be its own timer's (lateCuts).
  const late = timed ? lateCuts(t, timeoutMs) : 0;
  // The gateway's timer: the capture shows its own closes for every cut; or every cut came as late as it and no
  // capture shows the target closing on a request (a capture whose snap length cut the heads, or rotated, shows
  // neither side's cut: timeout-streaming so).
  const seen = byGateway >= aborted;
  if (timed && (seen || (late >= aborted && !(t.capture?.byClass["premature-close"] ?? 0)))) {
    const s = timeoutMs / 1000;
    return {
      cut502,
      candidate: {
        cause: "gateway-timeout",
        confidence: seen ? "medium" : "low",
        // What the capture shows cut counts whether or not it was a 502, as the target's own cuts do (closes.ts).
        explains: seen ? aborted : explains,
        summary: `${aborted} response(s) from ${t.target} were cut short, ${seen ? `and the capture shows the gateway closing those connections itself in the middle of an answer, after a quiet as long as its timeout for this target (${s} s)` : `each ${s} s or more after its request, as long as the gateway's timeout for this target`}: request_timeout (or the proxy's timeout) is an idle timer on the target's socket, and it fires between two parts of a slow answer. ${seen ? "The target did not close them." : `A target closing then would read the same in the log${t.capture ? "; the capture does not show whose close each was (its snap length cut the HTTP heads, or it does not cover them)" : ": a capture of its connections shows whose close each was"}.`} No 502 is logged when the status had already gone on, but the client's response never ends: the target pauses longer than that in the middle of its answers (raise the timeout above its longest pause, or make the target stream steadily).`,
        evidence: [
          logRef(
            `${ABORTED_RESPONSE} × ${aborted}: targetResponse error / aborted${late ? `, ${late} of them ${s} s or more after the request` : ""}`,
          ),
          ...(byGateway
            ? [
                capRef(
                  "gateway-close",
                  `${byGateway} connection(s) the gateway closed itself with an answer pending, none of them a 504 or a client gone, none sooner than its ${s} s timeout`,
                ),
              ]
            : []),
        ],
      },
    };
  }
  const lateWords =
    late && full
      ? ` ${late} of them came as late as the gateway's timeout for this target (${(timeoutMs ?? 0) / 1000} s) or later: its request_timeout, an idle timer, firing between two parts of a slow answer reads the same in the log.`
      : "";
  return {
    cut502,
    candidate: {
      cause: "premature-close",
      confidence: full && !late ? "medium" : "low",
      explains,
      summary: `${aborted} response(s) from ${t.target} were cut short: the connection closed after the target began to answer (the gateway logs targetResponse aborted / ECONNRESET; after a FIN it had already passed the status on, so no 502 is logged and the client's response never ends). ${t.capture ? "The capture shows no response cut short: it may not cover them, or its snap length cut the HTTP heads (then a response's length is unknown)." : "A capture of this target shows whether the target itself closed (FIN or RST) or something in between."}${full ? "" : " The log holds errors only: the gateway's own request_timeout firing in the middle of a slow answer would read the same (at level info the transaction shows it). A client that gave up mid-response does not: the gateway reads the target's answer to its end."}${lateWords}`,
      evidence: [logRef(`${ABORTED_RESPONSE} × ${aborted}: targetResponse error / aborted`)],
    },
  };
}

/**
 * The gateway's own closes of a connection with a request or an answer pending that no other failure of the log's
 * stands for (its timeout on a pending request logs a 504, a client gone mid-upload a 502, and in the middle of an
 * answer nothing but the cut: the status had gone on), none sooner than its timeout (those are clients gone, or the
 * gateway stopping).
 */
function gatewayCuts(t: TargetEvidence, e: DiagnosisEvidence, timeoutMs: number, clientGoneOnWire: number): number {
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  const others =
    gateway504(t, ownAnswers(t, e.logs.coverage === "full")) + (t.errorCodes[CLIENT_GONE] ?? 0) + clientGoneOnWire;
  return Math.max(0, gwClose - closesBeforeTimeout(t, timeoutMs) - others);
}

/** The log's cut responses whose transaction lasted the timeout or longer (within its 5 %, at least 100 ms). */
function lateCuts(t: TargetEvidence, timeoutMs: number): number {
  const limit = timeoutMs - Math.max(100, timeoutMs * 0.05);
  return Object.entries(t.abortedDurations ?? {}).reduce((n, [step, k]) => (Number(step) + 100 > limit ? n + k : n), 0);
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
