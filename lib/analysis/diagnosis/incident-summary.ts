/** The incident's verdict from its targets' verdicts: the cause explaining most failures, and how sure. Pure. */
import { minConfidence } from "./candidate";
import { cutSwing, headline, outsideSwing, secondCause, tieSwing, withinATenth } from "./headline";
import { LOOKUPS, outsideLogFor, outsideLogList, outsideOnly } from "./outside-log";
import type { Cause, Confidence, Diagnosis, DiagnosisEvidence, TargetCause, TargetVerdict } from "./types";

const CAUSE_WORDS: Record<Cause, string> = {
  "no-502": "No 502 in these logs.",
  "keepalive-mismatch": "Keep-alive race: the target closes pooled sockets as the gateway reuses them.",
  "premature-close": "The target closes connections before answering.",
  both: "Keep-alive races and premature closes by the target.",
  "target-unreachable": "The gateway cannot connect to the target.",
  "gateway-timeout": "The target answers slower than the gateway waits.",
  "tls-error": "TLS between the gateway and the target fails.",
  "target-error":
    "The target itself answers 502 / 504 (the gateway passes its response on), or answers with bytes the gateway's HTTP parser rejects: bytes that are not HTTP, a malformed status or header line, Content-Length twice or beside Transfer-Encoding, or a head too large (the gateway answers 502).",
  "insufficient-data": "Not enough evidence for a cause: see the must-gather list.",
};

/** What the incident's verdict weighs beside its targets' verdicts (diagnose.ts gathers it). */
export interface IncidentWeights {
  /** The log shows no 502 and the capture no failure. */
  noFailures: boolean;
  logs: DiagnosisEvidence["logs"];
  /** 502s logged for clients that had gone: those the log names, and those only the capture tells. */
  aborts: { logged: number; onWire: number };
  /** A target's own answers may have gone unseen (own-answers.ts). */
  unseen: boolean;
  /** Failures of the targets no cause accounts for (insufficient-data). */
  unexplained: number;
  /** A target's failures beyond those its cause explains. */
  unaccounted: (t: TargetVerdict) => number;
  /** 5xx answers the stats lines count that nothing shows: targets' own answers the evidence missed. */
  unseenOwn: number;
  /** Causes a target could have as well as its own (`judgeTargets`). */
  ties: Map<string, TargetCause[]>;
  /** A target's responses cut short with no 502. */
  cutShort: (t: TargetVerdict) => number;
  /**
   * Each target's failing connections the capture shows outside the log's time, by class, gateway closes too (none
   * where all came sooner than its timeout: clients gone).
   */
  outside: (t: TargetVerdict) => Record<string, number>;
  /** Each target's closes at the gateway's timeout within the log's time that no 504 line of it names. */
  unlogged: (t: TargetVerdict) => number;
}

/** The incident's verdict: the failing targets' causes, the one explaining most failures first. */
export function summarise(targets: TargetVerdict[], w: IncidentWeights): Diagnosis["verdict"] {
  const {
    noFailures,
    logs,
    aborts,
    unseen,
    unexplained,
    unaccounted,
    unseenOwn,
    ties,
    cutShort,
    outside: outsideLog,
    unlogged,
  } = w;
  const failing = targets.filter((t) => t.cause !== "healthy");
  const captureAlone =
    " That is the capture's word alone: failures that never reach the wire (a host name that does not resolve, TLS settings the gateway rejects) only the gateway's log shows.";
  // 502s the gateway logged for clients that had gone (client-aborts.ts): no target failed them.
  const gone = aborts.logged + aborts.onWire;
  const goneWords = gone
    ? ` ${gone} × 502 in these logs came after the gateway's client had gone (it left before its request was complete, and the gateway aborted the target request itself${aborts.onWire ? `; ${aborts.onWire} of them told from the capture alone, as the log holds errors only: level info would name each, \`source request aborted\`` : ""}): no failure of a target.`
    : "";
  if (failing.length === 0) {
    const cause: Cause = noFailures || targets.length > 0 ? "no-502" : "insufficient-data";
    if (cause !== "no-502") return { cause, confidence: "low", explains502: 0, summary: CAUSE_WORDS[cause] };
    // What no part of the bundle can show is not known to be absent: without a log, failures that never reach the
    // wire (DNS, a refused pool, TLS settings); below level info with no capture of its time, the targets' own 5xx.
    const blind = !logs.present
      ? captureAlone
      : unseen
        ? " But below level info the gateway writes no line for an answer a target sent itself, and no capture covers the log's time (or the stats lines count more 5xx answers than the log and captures show): a target's own 502 / 504s would not show here. A log at level info, or a capture of the same time, shows them."
        : "";
    const words = !logs.present ? "The capture shows no failing connection." : CAUSE_WORDS[cause];
    // Failures the capture shows outside the log's time (a log rotated away): none here is not none in the incident;
    // a gateway's close there too, a timeout as likely as a client gone (random-1446 with its log cut before).
    const outside = targets
      .map((t) => [t.target, outsideLogList(outsideLog(t))])
      .filter(([, list]) => list)
      .map(([target, list]) => `${target}: ${list}`)
      .join("; ");
    const outsideWords = outside
      ? ` But the capture shows failing connections outside the log's time (${outside}): the gateway's log of that time tells whether they were its 502s.`
      : "";
    // Within it, timeouts no 504 line names: lines that lost their target, or clocks matched wrong.
    const within = targets
      .filter((t) => unlogged(t) > 0)
      .map((t) => `${t.target}: ${unlogged(t)}`)
      .join("; ");
    const withinWords = within
      ? ` But the capture shows closes of a pending request at the gateway's timeout within the log's time that no 504 line names (${within}): lines that lost their target's name (a log rotated between a failure's two lines), or clocks matched wrong.`
      : "";
    return {
      cause,
      confidence: blind || outside || within ? "low" : logs.coverage === "full" && !aborts.onWire ? "high" : "medium",
      explains502: 0,
      summary: `${gone ? `No target failed.${goneWords}` : words}${blind}${outsideWords}${withinWords}`,
    };
  }
  const known = failing.filter((t) => t.cause !== "insufficient-data");
  const pool = known.length ? known : failing;
  // pool is never empty here: failing is not.
  const { cause, byWeight, closeCauses, causes } = headline(pool)!;
  const backing = pool.filter((t) => t.cause === cause || (cause === "both" && closeCauses));
  // A target whose failures, whatever their cause, could neither change the headline nor come near its weight
  // lowers it to medium at most, as failures without a cause do below (blind world random-280: a target `both` high
  // on 28 failures, another `keepalive-mismatch` low on 1).
  const minor = (t: TargetVerdict) => {
    const rest = headline(pool.filter((x) => x !== t));
    return rest !== null && rest.cause === cause && t.explains502 * 2 < rest.byWeight[0].n;
  };
  let confidence: Confidence = backing
    .map((t) => (minor(t) && t.confidence === "low" ? "medium" : t.confidence))
    .reduce(minConfidence, "high");
  // Failures nothing accounts for weaken the whole verdict; so does another cause of near the same weight.
  if (known.length && known.length < failing.length) confidence = minConfidence(confidence, "medium");
  const second = secondCause(pool, { cause, byWeight, closeCauses }, unaccounted, ties, unseenOwn);
  const secondAtMost = second?.atMost ?? 0;
  const near = second && secondAtMost * 2 > byWeight[0].n;
  if (near) confidence = minConfidence(confidence, "medium");
  // Level with it, within a tenth, or with them taking the lead: which cause fails most is then a guess, one 502
  // counted the other way from swapping them (random-896: 20 refused connects on one target, 20 TLS failures on
  // another; random-946: 72 races and hang-ups, one of them a 502 with no request on the wire, against 71 refusals
  // and lookups that failed).
  const more = second ? secondAtMost - second.n : 0;
  if (second && withinATenth(secondAtMost, byWeight[0].n)) confidence = "low";
  // Failures without a cause that, were they one, would come within a tenth of the headline's: it may name the lesser
  // part (blind lab world random-204, log only: 4 × 504 a target answered itself, beside 27 resets another target's
  // capture would have shown as keep-alive races; random-924, log only: 22 refusals beside 20 resets its captures show
  // as races, medium where the whole bundle is low).
  const explained = pool.reduce((a, t) => a + t.explains502, 0);
  const outweighed = known.length > 0 && unexplained > 0 && withinATenth(unexplained, byWeight[0].n);
  // Or with the runner-up's, where they could be of it: resets without a capture may be races or hang-ups, and own
  // answers only the stats lines count may be those of the targets without a cause (blind random-1009 at level error
  // without its capture: 20 refusals against a target's 8 resets and the 12 × 504 it answered itself, which the
  // stats lines count, read target-unreachable at medium; the truth ties them).
  const couldJoin =
    second !== undefined && (second.unseen > 0 || ["keepalive-mismatch", "premature-close", "both"].includes(second.c));
  const joined =
    !outweighed &&
    known.length > 0 &&
    unexplained > 0 &&
    couldJoin &&
    withinATenth(secondAtMost + unexplained, byWeight[0].n);
  if (outweighed || joined) confidence = "low";
  // Which cause fails most is a count of the gateway's failures: without its log, of those on the wire only.
  if (!logs.present) confidence = "low";
  const swing =
    tieSwing(pool, cause, ties) ||
    cutSwing(pool, cause, cutShort) ||
    outsideSwing(
      [...pool, ...outsideOnly(targets, outsideLog)],
      cause,
      (t) => outsideLogFor(outsideLog(t), t.cause),
      pool.reduce((n, t) => n + (t.cause === "target-unreachable" ? (outsideLog(t)[LOOKUPS] ?? 0) : 0), 0),
    );
  if (swing) confidence = "low";
  const per = failing.map((t) => `${t.target}: ${t.cause} (${t.confidence})`).join("; ");
  const nearWords = near
    ? ` Another cause weighs ${secondAtMost < byWeight[0].n ? "nearly " : ""}as much: ${second.c} explains ${second.n} failure(s)${more > second.unseen ? `, and ${more - second.unseen} more may be of it (failures the evidence does not settle)` : ""}${second.unseen ? `, and the stats lines count ${second.unseen} 5xx answer(s) neither the log nor a capture shows (a target's own 502 / 504s)` : ""}, against ${byWeight[0].n}.`
    : "";
  return {
    cause,
    confidence,
    explains502: explained,
    summary: `${CAUSE_WORDS[cause]}${nearWords}${outweighed ? ` But ${unexplained} failure(s) on other targets have no cause yet, ${unexplained > explained ? `more than the ${explained} explained` : `${unexplained > byWeight[0].n ? "more than" : unexplained === byWeight[0].n ? "as many as" : "nearly as many as"} the ${byWeight[0].n} its cause explains`}: see the must-gather list.` : ""}${joined ? ` And ${unexplained} failure(s) on other targets have no cause yet: with the ${secondAtMost} of ${second?.c}, they come ${secondAtMost + unexplained > byWeight[0].n ? "to more than" : "near"} the ${byWeight[0].n} its cause explains (see the must-gather list).` : ""}${swing}${failing.length > 1 || causes.size > 1 ? ` Per target: ${per}.` : ""}${goneWords}${logs.present ? "" : captureAlone}`,
  };
}
