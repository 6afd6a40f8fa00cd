/**
 * One verdict per target, from its own evidence: the capture's classes and idle timer first, the log's
 * error codes for the causes a capture does not show (refused, DNS, timeouts, TLS), a person's answers last
 * and marked as such. Pure.
 */
import type { DiagnosisEvidence, EvidenceRef, TargetCause, TargetEvidence, TargetVerdict } from "./types";
import { verdictOf as verdict } from "./fixes";
import { judgeCloses } from "./closes";
import {
  answersMayHide,
  encryptedCapture,
  gateway504,
  ownAnswers,
  unseenAnswers,
  unseenAnswersOf,
} from "./own-answers";
import { minConfidence, RANK, type Candidate } from "./candidate";
import { clientAbortEvidence, clientAbortNote, clientAborts, RESET } from "./client-aborts";
import { fromAnswersOrUnknown } from "./unexplained-resets";
import { isTls, tlsCandidate } from "./tls";
import { cutInLog } from "./cut-responses";
import { withinATenth } from "./headline";
import { CUT_NO_502 } from "@/lib/api/connection-schema";
import { outsideLogAgainst, outsideLogFor, outsideLogLabel, outsideLogOf, unloggedTimeouts } from "./outside-log";
import { CLOSE_CAUSES, ONE_KIND_OF_CLOSE, sum, TIMEOUT, UNREACHABLE, unnamedOutside, unrecordedLabels } from "./codes";
import { parserRejected } from "./parser-rejected";

export function judgeTargets(e: DiagnosisEvidence, ties = new Map<string, TargetCause[]>()): TargetVerdict[] {
  return e.targets
    .map((t) => judgeTarget(t, e, ties))
    .sort((a, b) => failing(b) - failing(a) || b.explains502 - a.explains502 || (a.target < b.target ? -1 : 1));
}

const failing = (v: TargetVerdict) => (v.cause === "healthy" ? 0 : 1);

/** A target's failures: its logged 502 / 504s and its own answers the log does not show, less its clients' aborts. */
export function targetFailures(t: TargetEvidence, e: DiagnosisEvidence) {
  const own = ownAnswers(t, e.logs.coverage === "full");
  const gw504 = gateway504(t, own);
  // 502s the gateway logged after its client went away (client-aborts.ts): no failure of the target.
  const aborts = clientAborts(t, e, gw504);
  // The target's own answers the log does not show were failures all the same: the gateway passed them on.
  const failures =
    t.errors502 +
    t.errors504 +
    own.unlogged502 +
    own.unlogged504 -
    Math.min(t.errors502, aborts.logged + aborts.onWire);
  return { own, gw504, aborts, failures };
}

/** `ties` gets the causes the target could have as well as its own: a runner-up as strong, what unrecorded resets may be. */
function judgeTarget(t: TargetEvidence, e: DiagnosisEvidence, ties: Map<string, TargetCause[]>): TargetVerdict {
  const base = e.incidentId ? `/incidents/${e.incidentId}` : undefined;
  const capRef = (cls: string, label: string): EvidenceRef => ({
    kind: "capture",
    label,
    ...(base ? { href: `${base}/connections?class=${cls}&target=${encodeURIComponent(t.target)}` } : {}),
  });
  const logRef = (label: string): EvidenceRef => ({
    kind: "log",
    label,
    ...(base ? { href: `${base}#targets-h` } : {}),
  });
  const codes = t.errorCodes;
  const { own, gw504, aborts, failures } = targetFailures(t, e);
  // Failing connections outside the log's time: no line names them, so they weigh only against a cause's confidence.
  const outside = outsideLogOf(t, e);
  const logged = e.logs.present;
  // A refusal the gateway failed on is logged (ECONNREFUSED, at any level); one without such a line was followed by a
  // connect to another address of the target's name, as Node.js does (recorded: a name on ::1 and 127.0.0.2, the target
  // listening on IPv4 only: a refused SYN to ::1 before each connection, no failure).
  const refusedAll = t.capture?.byClass.refused ?? 0;
  const refused = logged ? Math.min(refusedAll, codes.ECONNREFUSED ?? 0) : refusedAll;
  const retried: EvidenceRef[] =
    refusedAll > refused
      ? [
          capRef(
            "refused",
            `${refusedAll - refused} refused connect(s) no failure in the log stands for: after each the gateway tried another address of the name (Node.js tries each address a name has, IPv6 and IPv4)`,
          ),
        ]
      : [];
  // SYNs nothing answered: a request_timeout that fires meanwhile is a 504, but the target was never reached.
  const noAnswer = t.capture?.byClass["syn-unanswered"] ?? 0;
  const candidates: Candidate[] = [];

  const unreachableCodes = sum(codes, (k) => UNREACHABLE.includes(k));
  if (unreachableCodes + refused + noAnswer > 0) {
    const named = UNREACHABLE.filter((k) => codes[k]).map((k) => `${k} × ${codes[k]}`);
    const onWire = [refused ? `${refused} refused` : "", noAnswer ? `${noAnswer} with no answer to the SYN` : ""]
      .filter(Boolean)
      .join(", ");
    candidates.push({
      cause: "target-unreachable",
      confidence: "high",
      explains: Math.min(failures || Infinity, Math.max(unreachableCodes, refused + noAnswer)),
      summary: `The gateway could not connect to ${t.target}${named.length ? ` (${named.join(", ")})` : onWire ? ` (${onWire})` : ""}.`,
      evidence: [
        ...(named.length ? [logRef(named.join(", "))] : []),
        ...(refused ? [capRef("refused", `${refusedAll} SYN(s) answered with RST (connection refused)`)] : []),
        ...(noAnswer
          ? [
              capRef(
                "syn-unanswered",
                `${noAnswer} connection(s) whose SYN, sent again, got no SYN-ACK and no RST (dropped on the way: a firewall, a host that is gone)`,
              ),
            ]
          : []),
      ],
    });
  }
  const own502 = own.logged502 + own.unlogged502;
  const own504 = own.logged504 + own.unlogged504;
  const timeouts = gw504 + sum(codes, (k) => TIMEOUT.includes(k));
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  const timedOut = gwClose - aborts.closesWithoutTimeout;
  if (!logged && timedOut > 0) {
    // The gateway closing a connection with a request pending, after a quiet its timeout allows: that timeout, or
    // the client going away just then.
    candidates.push({
      cause: "gateway-timeout",
      confidence: "medium",
      explains: timedOut,
      summary: `The gateway closed ${timedOut} connection(s) to ${t.target} with a request pending: it gave up waiting (request_timeout${e.config?.requestTimeoutS ? ` is ${e.config.requestTimeoutS} s` : ""}) or its client went away; the gateway's log tells which.`,
      evidence: [capRef("gateway-close", `${timedOut} connection(s) closed by the gateway with a request pending`)],
    });
  }
  if (timeouts > 0) {
    // A slow target and one whose SYNs are dropped log the same 504 / socket hang up: only a capture tells. Without
    // one, a target the log shows answering other requests is reachable; one that answered none may not be. Answered,
    // not merely not failed: a request in flight when the gateway was killed has no status (blind random-1270: 14 ×
    // 504 from dropped SYNs and one such request read as a reachable target's timeouts, medium).
    const answersOthers = e.logs.coverage === "full" && (t.answered ?? 0) > 0;
    // A capture tells only the 504s it recorded (lab blackhole with its capture started mid-way: 3 dropped SYNs in it,
    // 5 × 504 before it).
    const seen = t.capture !== null && (t.outsideCapture ?? 0) < gw504;
    candidates.push({
      cause: "gateway-timeout",
      confidence: seen ? "high" : answersOthers ? "medium" : "low",
      explains: Math.max(gw504, timeouts - gw504),
      summary: `The gateway gave up waiting for ${t.target}${gw504 ? ` (${gw504} × 504)` : ""}${e.config?.requestTimeoutS ? `: request_timeout is ${e.config.requestTimeoutS} s` : ""}.${seen || answersOthers ? "" : ` ${e.logs.coverage === "full" ? "The log shows it answering none of the gateway's requests" : "The log holds errors only, so whether it answered any request is unknown"}: a target whose SYNs are dropped (a firewall, a host that is gone) logs the same 504s as one that accepts and hangs. A capture of the gateway's connections to it tells them apart.`}`,
      evidence: [
        logRef(
          `${gw504} × 504${TIMEOUT.filter((k) => codes[k])
            .map((k) => `, ${k} × ${codes[k]}`)
            .join("")}`,
        ),
        ...(gwClose
          ? [capRef("gateway-close", `${gwClose} connection(s) closed by the gateway with a request pending`)]
          : []),
      ],
    });
  }
  if (own502 + own504 > 0) {
    const what = [own502 ? `${own502} × 502` : "", own504 ? `${own504} × 504` : ""].filter(Boolean).join(" and ");
    const fromLog = t.targetAnswered502 + t.targetAnswered504 > 0;
    const unlogged = own.unlogged502 + own.unlogged504;
    candidates.push({
      cause: "target-error",
      confidence: "high",
      explains: own502 + own504,
      summary: `${t.target} answered ${what} itself: the gateway passed the target's own error response on.${unlogged ? ` ${unlogged} of them only the capture shows: below level info the gateway writes no line for a response the target answered itself.` : ""} Its TCP connections are not the cause; look at the target and what is behind it.`,
      evidence: [
        ...(fromLog
          ? [
              logRef(
                `${t.targetAnswered502 + t.targetAnswered504} transaction(s) whose targetResponse line carries the 502 / 504 (no gateway error)`,
              ),
            ]
          : []),
        ...(t.capture?.profile?.serverErrors["502"] || t.capture?.profile?.serverErrors["504"]
          ? [
              {
                kind: "capture" as const,
                label: `HTTP ${[
                  ["502", t.capture.profile.serverErrors["502"]],
                  ["504", t.capture.profile.serverErrors["504"]],
                ]
                  .filter(([, n]) => n)
                  .map(([c, n]) => `${c} × ${n}`)
                  .join(", ")} sent by the target`,
              },
            ]
          : []),
      ],
    });
  }
  const rejected = parserRejected(t, logged, codes, logRef, capRef);
  if (rejected) candidates.push(rejected);
  const tls = sum(codes, isTls);
  const tlsFailure = tlsCandidate(t, logged, logRef, capRef);
  if (tlsFailure) candidates.push(tlsFailure);
  const closes = t.capture ? judgeCloses(t, t.capture, capRef, logged) : null;
  if (closes) candidates.push(closes);
  // Responses the log shows cut short: the capture, when it shows them, has said so above.
  const cut = cutInLog(t, e, failures, aborts.onWire, logRef, capRef);
  if (cut) candidates.push(cut.candidate);

  // The 502s of clients gone that only the wire shows were logged socket hang up / ECONNRESET.
  const resets = Math.max(0, sum(codes, (k) => RESET.includes(k)) - aborts.onWire);
  const unexplained = failures - candidates.reduce((n, c) => n + (c === cut?.candidate ? cut.cut502 : c.explains), 0);
  // Resets nothing here explains (no capture shows their closes): a cause found for other failures of this target
  // says nothing about them, so it cannot stand for the target if they are more, nor with high confidence at all.
  let unknown: Candidate | null = null;
  let unknownResets = 0;
  if (!closes && resets > 0 && unexplained > 0) {
    const fromAnswers = fromAnswersOrUnknown(t, e, resets, logRef);
    if (fromAnswers.cause !== "insufficient-data") candidates.push(fromAnswers);
    else {
      unknown = fromAnswers;
      unknownResets = Math.min(resets, unexplained);
    }
  }

  // Candidates of one cause weigh together: a target's answers that are not HTTP and its own 502s are both its errors
  // (random-1472: 24 and 3 of them beside 26 races and hang-ups read `both` at medium; the truth counts 27 to 25).
  const weight = (c: Candidate) => candidates.reduce((n, x) => (x.cause === c.cause ? n + x.explains : n), 0);
  candidates.sort(
    (a, b) => weight(b) - weight(a) || b.explains - a.explains || RANK[b.confidence] - RANK[a.confidence],
  );
  if (unknown) candidates.splice(candidates.length && candidates[0].explains >= unknownResets ? 1 : 0, 0, unknown);
  const main = candidates[0];
  const abortNote = clientAbortNote(aborts);
  const abortEvidence = clientAbortEvidence(aborts, logRef, capRef);
  if (!main) {
    if (failures === 0) {
      const unseen = unseenAnswers(e);
      // Its own 502 / 504s may be among those unseen, and nothing here could show them (blind world random-204 at
      // level error: 4 × 504 over TLS).
      const blind = unseen && answersMayHide(t, e);
      const unnamed = outsideLogLabel(outside);
      const unlogged = logged ? unloggedTimeouts(t, e, outside) : 0;
      const noLine = logged
        ? "below level info the gateway writes no line for an answer a target sent itself"
        : "no gateway log is in the bundle to show the answers a target sent itself";
      const noWire = !t.capture
        ? "no capture of this target shows its answers"
        : encryptedCapture(t)
          ? "this target's capture is TLS, whose answers' status the wire does not show"
          : "the capture covers only part of the log's time";
      const stats =
        e.logs.stats5xx != null ? ": the stats lines count more 5xx answers than the log and captures show" : "";
      const blindWords = ` But ${noLine}, and ${noWire}${stats}. The gateway's log at level info shows them.`;
      return verdict(t, e, {
        cause: "healthy",
        // Failures that never reach the wire (DNS, TLS, a refused pool) are only in the log. A client gone that only
        // the wire shows is an inference: the log at level error cannot say so itself.
        confidence:
          blind || unnamed || unlogged
            ? "low"
            : logged && (t.capture || t.requests) && !unseen && !aborts.onWire
              ? "high"
              : "medium",
        explains: 0,
        summary: `${abortNote ? `${t.target}: no failure of its own. ${abortNote}` : `${t.target}: no failures.`}${blind ? blindWords : ""}`,
        evidence: [
          ...abortEvidence,
          ...retried,
          ...(unnamed ? [{ kind: "capture" as const, label: unnamed }] : []),
          ...(unlogged
            ? [
                {
                  kind: "capture" as const,
                  label: `${unlogged} close(s) of a pending request at the gateway's timeout within the log's time, and no 504 line of this target: their lines lost the target's name (a log rotated between a failure's two lines), or the clocks are matched wrong`,
                },
              ]
            : []),
        ],
      });
    }
    // Codes none of the causes covers are named, never dropped: they are what a person searches for next.
    const named = Object.entries(codes)
      .filter(([k]) => k !== "none")
      .map(([k, n]) => `${k} × ${n}`);
    const summary = named.length
      ? `${failures} failure(s) on ${t.target} with error code(s) ${named.join(", ")}, which none of the documented causes covers${t.capture ? "" : ", and no capture of this target"}.`
      : `${failures} failure(s) on ${t.target} with no error code${t.capture ? "" : " and no capture of this target"}: nothing names a cause.`;
    return verdict(t, e, {
      cause: "insufficient-data",
      confidence: "low",
      explains: 0,
      summary,
      evidence: [logRef(`${t.errors502} × 502, ${t.errors504} × 504${named.length ? `: ${named.join(", ")}` : ""}`)],
    });
  }
  // Other causes of the same target stay visible as evidence; the strongest of them weighs against the cause (the
  // unexplained resets, explaining none, may come first among them: blind world random-377 from its log alone).
  const others = candidates.slice(1).filter((c) => c.explains > 0 || c === unknown);
  const rivals = others.filter((c) => c.cause !== main.cause);
  const runner = rivals.reduce<Candidate | null>((b, c) => (weight(c) > (b ? weight(b) : 0) ? c : b), null);
  const mainWeight = weight(main);
  // Failures outside the capture's time (or at its edge), which no log code names either: of a cause the capture cannot
  // show, perhaps another one. Weighed as a second cause would be; as many as the cause explains leave it low (blind
  // world random-210, capture from its middle failure on: 2 races seen, 2 hang-ups before it).
  const outsideCap = t.capture ? Math.min(t.outsideCapture ?? 0, failures) : 0;
  const outsideUnnamed = unnamedOutside(t, outsideCap, own.logged502 + own.logged504, unreachableCodes + tls);
  // The 502s a cause explains, less its responses cut by FIN (no 502), weigh against the unrecorded failures (blind
  // random-1097, capture cut before the middle failure: 2 hang-ups and 7 cut, mostly by FIN, against 3 unrecorded).
  const closes502 = closes ? closes.explains - (logged ? (t.capture?.explained502[CUT_NO_502] ?? 0) : 0) : 0;
  const main502 = main === closes ? closes502 : main === cut?.candidate ? cut.cut502 : main.explains;
  // Resets no close on the wire accounts for, in the capture's time or not, are unrecorded too (random-831, cut).
  const openResets = closes ? Math.min(unexplained, Math.max(0, resets - closes502)) : 0;
  const unrecorded = Math.max(outsideUnnamed, openResets);
  const runnerAtMost = (runner ? weight(runner) : 0) + unrecorded; // the runner-up, every unrecorded failure given to it
  // Each with its own kind outside the log's time: the runner-up may lead there (random-736, log cut before).
  const runnerOutside = runner ? outsideLogFor(outside, runner.cause) : 0;
  const leadOutside =
    runnerOutside > 0 && runnerAtMost + runnerOutside >= mainWeight + outsideLogFor(outside, main.cause);
  // 5xx answers the stats lines count and nothing shows may be its own, uncounted failures.
  const unseen = main === unknown ? 0 : unseenAnswersOf(t, e);
  // With no log line for them and nothing counting them, a TLS target's own 502 / 504s show nowhere.
  const answersHidden =
    e.logs.coverage !== "full" && e.logs.stats5xx == null && encryptedCapture(t) && CLOSE_CAUSES.includes(main.cause);
  // What the bundle lacks caps the cause's confidence: each rule with the blind recording that asked for it, listed
  // in docs/diagnosis.md ("Confidence caps").
  const caps: [level: "low" | "medium", applies: boolean][] = [
    // Responses cut short say nothing of the resets beside them that never got an answer: those may be races
    // (random-122 without its capture: 13 responses cut by RST, 3 of its 4 socket hang-ups races).
    ["low", main === cut?.candidate && unknownResets > 0],
    // Failures outside the capture's time that no log code names, as many as the cause explains (random-210).
    ["low", unrecorded > 0 && unrecorded >= main502],
    // The runner-up comes within a tenth, or takes the lead with every unrecorded failure given to it (random-252,
    // random-223), or with the failures of each outside the log's time: one failure counted the other way may swap
    // them (random-1472 at level error: 27 to 26).
    ["low", rivals.length > 0 && (withinATenth(runnerAtMost, mainWeight) || leadOutside)],
    // As many resets no capture shows as the cause explains: a tie with another cause (lab random-6, log alone).
    ["low", unknownResets > 0 && main !== unknown && unknownResets >= main502],
    // Hang-ups beside an idle timer the closes show, half as many unrecorded: those may be races at it (random-268).
    ["low", main.cause === "premature-close" && !!t.capture?.profile?.cluster && unrecorded * 2 >= main502],
    // A TLS target's closes when nothing could count its own answers, which may outnumber them (random-240 and
    // random-736 from their captures alone).
    ["low", answersHidden],
    // Races, half as many unrecorded: any target may hang up, and in blind worlds those were hang-ups 3 times in 9
    // (random-529, -551, -559 with captures cut at their middle failure: 2, 8 and 3 races seen, 1, 4 and 2 outside).
    ["low", main.cause === "keepalive-mismatch" && unrecorded > 0 && unrecorded * 2 >= main502],
    // As many 5xx answers uncounted as the cause explains (random-214 at level error: its two own 504s unseen).
    ["low", unseen > 0 && unseen >= main502],
    // A second cause explaining more than half as many, the unrecorded given to it (random-912 cut: 7 against 3 + 3).
    ["medium", rivals.length > 0 && runnerAtMost * 2 > mainWeight],
    // As many uncounted 5xx answers, that second cause were they its own (random-736 at level error).
    ["medium", unseen * 2 > main502],
    // Resets no capture shows beside the cause: they may be another.
    ["medium", unknownResets > 0 && main !== unknown],
    // Unrecorded failures: beside one kind of close any may be the other kind and make it `both` (random-227).
    ["medium", unrecorded * (ONE_KIND_OF_CLOSE.includes(main.cause) ? 4 : 2) > main502],
  ];
  // Failing connections outside the log's time that another cause would stand for (a gateway close may be a timeout).
  const against = outsideLogAgainst(outside, main.cause);
  caps.push(["low", against > 0 && against >= main502], ["medium", against * 2 > main502]);
  const confidence = caps.reduce((c, [level, applies]) => (applies ? minConfidence(c, level) : c), main.confidence);
  ties.set(t.target, [
    ...(runner && runner.cause !== "insufficient-data" && (runnerAtMost >= mainWeight || leadOutside)
      ? [runner.cause]
      : []),
    ...(unrecorded > 0 && unrecorded >= main502 ? (ONE_KIND_OF_CLOSE as TargetCause[]) : []),
  ]);
  const evidence = [
    ...main.evidence,
    ...others.map((c) => ({ kind: "log" as const, label: `also: ${c.summary}` })),
    ...(abortNote ? [{ kind: "log" as const, label: `not the target's: ${abortNote}` }] : []),
    ...retried,
    ...unrecordedLabels(outsideCap, failures, openResets).map(logRef),
    ...[outsideLogLabel(outside)].flatMap((label) => (label ? [{ kind: "capture" as const, label }] : [])),
    ...(answersHidden
      ? [
          capRef(
            "normal",
            "its answers are encrypted and no log line shows their status: its own 502 / 504 answers, if any, would not show",
          ),
        ]
      : []),
    ...(unseen
      ? [logRef(`the stats lines count ${unseen} 5xx answer(s) nothing here shows: its own 502 / 504s would not show`)]
      : []),
  ];
  // Each kind of evidence explains its own failures (refusals, 504s, the target's own answers, closes on the wire):
  // a target failing in several ways has them all explained, not only the main cause's.
  const all = main.explains + others.reduce((n, c) => n + c.explains, 0);
  // Without a log, what the wire shows failing is the count; with one, the log's failures bound it.
  const explains = !logged ? all : failures > 0 ? Math.max(main.explains, Math.min(failures, all)) : main.explains;
  return verdict(t, e, { ...main, explains, confidence, evidence });
}
