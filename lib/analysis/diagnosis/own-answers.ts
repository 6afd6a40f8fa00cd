/** A target's own 502 / 504 answers: what the log and the capture show of them, and whether some went unseen. Pure. */
import type { DiagnosisEvidence, TargetEvidence } from "./types";

/**
 * Whether a target's own 5xx answers may have gone unseen: below level info the gateway writes no line for them, so
 * only a plain-text capture of the log's whole time shows them (none at all: nothing does); else its stats lines count
 * every 5xx it answered, and those the log and captures show account for them or not.
 */
export function unseenAnswers(e: DiagnosisEvidence): boolean {
  // A TLS target's answers are encrypted on the wire: the capture cannot show their status (blind world random-204).
  const captureShowsAll = e.capture?.present && e.capture.coversLog !== false && !e.targets.some(encryptedCapture);
  if (e.logs.coverage === "full" || captureShowsAll) return false;
  return e.logs.stats5xx == null || unseenCount(e) > 0;
}

/**
 * How many 5xx answers the stats lines count that neither the log nor a capture shows, where they could be this
 * target's own: below level info, with no capture of it or a TLS one (0 when the stats lines do not say).
 */
export function unseenAnswersOf(t: TargetEvidence, e: DiagnosisEvidence): number {
  return answersMayHide(t, e) ? unseenCount(e) : 0;
}

/**
 * Whether the target's own answers could have gone by unseen: no log line for them (below level info), and no capture
 * of it, only an encrypted one, or one of part of the log's time (blind world random-244 at level error, its capture
 * stopped at the middle failure: the target's one 502 came after).
 */
export const answersMayHide = (t: TargetEvidence, e: DiagnosisEvidence) =>
  e.logs.coverage !== "full" && (!t.capture || encryptedCapture(t) || e.capture?.coversLog === false);

function unseenCount(e: DiagnosisEvidence): number {
  if (e.logs.stats5xx == null) return 0;
  // The stats lines count every 5xx answer the gateway passed on (a target's 503 too), never its own 502 / 504s (lab:
  // race-1s-error-level has 9 × 502 and 5=0; target-502 has 8 answered 502s and 5=8; blind world random-204 at level
  // error, 38 × 502 of the gateway's own and 5=4, its TLS target's four 504s; random-198, three 503s and 5=3).
  const seen = e.targets.reduce((n, t) => {
    const own = ownAnswers(t, false);
    const other5xx = Object.entries(t.capture?.profile?.serverErrors ?? {})
      .filter(([status]) => status !== "502" && status !== "504")
      .reduce((a, [, count]) => a + count, 0);
    return n + own.logged502 + own.logged504 + own.unlogged502 + own.unlogged504 + other5xx;
  }, 0);
  return Math.max(0, e.logs.stats5xx - seen);
}

/** Whether the target's capture is of TLS connections, whose answers' status the wire does not show. */
export const encryptedCapture = (t: TargetEvidence) => (t.capture?.profile?.encrypted ?? 0) > 0;

/**
 * The target's own 502 / 504 answers, passed on by the gateway: its targetResponse lines, or its responses in the
 * capture. A log at level info has a line for every transaction, so its 502 / 504s bound what the capture shows (the
 * capture may cover more time). Below info the gateway logs a target's answer only when `edgemicro.logTargetErrorsAs`
 * says so (microgateway-core writes targetResponse at info; a 5xx the target sent is no gateway error): the answers
 * the capture shows beyond the log's are then failures the log does not show, not answers outside its time.
 */
export function ownAnswers(t: TargetEvidence, logShowsAll: boolean) {
  // Those the capture shows outside the log's time are no failure of it (outside-log.ts).
  const outside = t.capture?.outsideLog ?? {};
  const seen502 = Math.max(0, (t.capture?.profile?.serverErrors["502"] ?? 0) - (outside["target-502"] ?? 0));
  const seen504 = Math.max(0, (t.capture?.profile?.serverErrors["504"] ?? 0) - (outside["target-504"] ?? 0));
  if (logShowsAll)
    return {
      logged502: Math.min(t.errors502, Math.max(t.targetAnswered502, seen502)),
      logged504: Math.min(t.errors504, Math.max(t.targetAnswered504, seen504)),
      unlogged502: 0,
      unlogged504: 0,
    };
  return {
    logged502: t.targetAnswered502,
    logged504: t.targetAnswered504,
    unlogged502: Math.max(0, seen502 - t.targetAnswered502),
    unlogged504: Math.max(0, seen504 - t.targetAnswered504),
  };
}

/** The target's 504s the gateway logged for its own timeout: not the target's own, not SYNs nothing answered. */
export function gateway504(t: TargetEvidence, own: ReturnType<typeof ownAnswers>): number {
  return Math.max(0, t.errors504 - own.logged504 - (t.capture?.byClass["syn-unanswered"] ?? 0));
}
