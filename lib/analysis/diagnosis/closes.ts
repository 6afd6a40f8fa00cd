/** A target's closes on the wire, judged: keep-alive races at its idle timer, premature closes, or both. Pure. */
import type { Confidence, EvidenceRef, TargetEvidence } from "./types";
import { MIN_SUPPORT, type TargetProfile } from "@/lib/analysis/tcp/profile";
import { ABORTED_RESPONSE, CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { minConfidence, ms, type Candidate } from "./candidate";
import { CUT_NO_502 } from "@/lib/api/connection-schema";

/**
 * The target never answered a second request on one connection, yet the gateway reused its sockets and the target
 * closed idle ones, each soon after its response: it closes each connection right after answering (an HTTP/1.0-style
 * server, a load balancer set so) without saying `Connection: close`, which would have kept Node's agent from pooling
 * the socket. The quiet before those closes is then no keep-alive timer, only how soon after answering it closes.
 */
export function closesAfterEveryResponse(p: TargetProfile | null | undefined): boolean {
  return (
    !!p &&
    p.answered > 0 &&
    p.maxReuseGapMs === null &&
    p.idleCloses > 0 &&
    p.cluster !== null &&
    p.cluster.ms < RIGHT_AFTER_MS
  );
}

/**
 * Closing right after answering takes the target's own processing and the way to the capture: tens of ms (recorded:
 * close-after-response, 0–30 ms). Seconds of quiet before every close are a timer whose sparse traffic never reused a
 * socket in time (recorded: race-60s, a 60 s timer, no connection answered twice).
 */
const RIGHT_AFTER_MS = 1000;
/** An idle close this soon after the last byte cannot be ordered against a request on its way (see judgeCloses). */
const BLURRED_TIMER_MS = 100;

const afterEach = (t: TargetEvidence, quietMs: number, races: number) =>
  `${t.target} closes every connection ≈ ${ms(quietMs)} after its response (no connection carried a second answered request), without \`Connection: close\`, so the gateway pools the socket and reuses it as the close arrives (${races} race(s)).`;

/**
 * Closes without an answer on every request the capture shows, and not one answered: what listens there may not speak
 * plain HTTP/1.1 (recorded: scheme-http-to-tls, a TLS port behind an http:// url, each request closed within a
 * millisecond of reaching the target). A hint for where to look, not a cause of its own: the target does close first.
 */
export function neverAnswers(cap: NonNullable<TargetEvidence["capture"]>): boolean {
  return (cap.profile?.answered ?? 0) === 0 && (cap.byClass["premature-close"] ?? 0) >= 3;
}

/** What the capture's closes say: races at the target's idle timer, premature closes, or both. */
export function judgeCloses(
  t: TargetEvidence,
  cap: NonNullable<TargetEvidence["capture"]>,
  capRef: (cls: string, label: string) => EvidenceRef,
  logged: boolean,
): Candidate | null {
  const races = cap.byClass["keepalive-race"] ?? 0;
  const atTimer = (cap.races["idle-timer"] ?? 0) + (cap.races["after-timer"] ?? 0);
  const cut = cap.byClass["target-reset-mid-response"] ?? 0;
  const prem = (cap.byClass["premature-close"] ?? 0) + cut;
  // Premature only by missing the idle timer (sooner than the target answers, later than a race would reach the
  // capture): a race delayed on its way looks the same, so these alone never make a second cause.
  const offTimer = Math.min(cap.premature?.["off-timer"] ?? 0, cap.byClass["premature-close"] ?? 0);
  // A 502 matched to an idle close: the gateway took the socket as the target's close arrived, before writing
  // the request (Node says "socket hang up" and nothing goes on the wire). The same race, one step earlier.
  // Not a failure whose response had begun (the log's aborted responses): its close came after the target answered.
  // A capture whose snap length cut the heads shows such a close as an idle one; those the capture did not show as
  // cut short are taken off.
  const abortedOffWire = Math.max(
    0,
    (t.errorCodes[ABORTED_RESPONSE] ?? 0) - (cap.byClass["target-reset-mid-response"] ?? 0),
  );
  // Nor a 502 the log says its client left (`source request aborted`): with its own connection outside a cut capture
  // it meets the nearest idle close (blind random-1000 from its middle failure on: a target whose 23 × 502 were all
  // aborted uploads read as 2 races). Matched 502s beyond those the clients' are the most that can be races.
  const notGone = Math.max(
    0,
    t.errors502 -
      (t.errorCodes[CLIENT_GONE] ?? 0) -
      (cap.explained502["keepalive-race"] ?? 0) -
      (cap.explained502["premature-close"] ?? 0) -
      (cap.explained502["target-reset-mid-response"] ?? 0),
  );
  const beforeWrite = Math.min(notGone, Math.max(0, (cap.explained502["target-idle-close"] ?? 0) - abortedOffWire));
  // Without a log there is no 502 to match a close to: each failing connection is a failure the gateway passed on.
  const raceExpl = logged ? (cap.explained502["keepalive-race"] ?? 0) + beforeWrite : races;
  // With a log, a response cut short counts whether or not it was a 502 (cut by FIN: its client's response never
  // ended); targets.ts weighs the unrecorded failures against the 502s alone.
  const premExpl = logged
    ? (cap.explained502["premature-close"] ?? 0) +
      (cap.explained502["target-reset-mid-response"] ?? 0) +
      (cap.explained502[CUT_NO_502] ?? 0)
    : prem;
  const p = cap.profile;
  const timer = p?.cluster ?? null;
  const floor = p?.responseFloorMs ?? null;
  const evidence: EvidenceRef[] = [];
  if (races) {
    evidence.push(
      capRef(
        "keepalive-race",
        `${races} keep-alive race(s): ${atTimer} at the target's idle timer, ${races - atTimer} by timing alone`,
      ),
    );
  }
  if (beforeWrite)
    evidence.push({
      kind: "capture",
      label: `${beforeWrite} × 502 at the moment the target closed an idle socket: the gateway took the socket as the close arrived, before sending the request`,
    });
  if (timer)
    evidence.push({
      kind: "capture",
      label: `idle timer ≈ ${ms(timer.ms)}: ${timer.n < MIN_SUPPORT ? `${timer.n} closes (idle, or crossing a request sooner than the target could answer it; a timer that long leaves few closes in a short capture)` : `${timer.n} of ${timer.of} idle closes`} agree within ${ms(timer.spreadMs)}${p?.otherTimerMs ? `; as many agree on ≈ ${ms(p.otherTimerMs)}, a second timer (another backend behind the address, or the first one's closes reaching the capture early or late), and a race at either counts` : ""}`,
    });
  else if (p?.clusterNote) evidence.push({ kind: "capture", label: p.clusterNote });
  if (prem - cut) {
    const paths = Object.entries(cap.prematurePaths)
      .slice(0, 3)
      .map(([path, n]) => `${path} × ${n}`)
      .join(", ");
    evidence.push(
      capRef(
        "premature-close",
        `${prem - cut} close(s) without a response after the target had the request${floor !== null ? ` (it answers in ≥ ${floor} ms)` : ""}${paths ? `: ${paths}` : ""}${offTimer ? `; ${offTimer} of them only because they missed the idle timer, sooner than the target answers` : ""}`,
      ),
    );
  }
  if (cut)
    evidence.push(
      capRef(
        "target-reset-mid-response",
        `${cut} response(s) the target cut short: it closed (FIN or RST) after part of its answer, before the Content-Length or last chunk`,
      ),
    );
  if (p?.keepAliveHeaderS != null)
    evidence.push({ kind: "capture", label: `the target announces Keep-Alive: timeout=${p.keepAliveHeaderS}` });
  // Races are established at the idle timer; by timing alone they could be hang-ups the instant a request arrived.
  const raceConfirmed = atTimer > 0 && timer !== null;
  if (races && raceConfirmed && prem > 0 && prem === offTimer) {
    const conf: Confidence = atTimer >= 2 && timer.n >= 3 && offTimer * 4 <= atTimer ? "high" : "medium";
    return {
      cause: "keepalive-mismatch",
      confidence: conf,
      explains: raceExpl + premExpl,
      summary: `${t.target} closes pooled sockets after ≈ ${ms(timer.ms)} idle just as the gateway reuses them (${races + beforeWrite} race(s)). ${offTimer} other close(s) crossing a request came off that timer but sooner than the target answers: races delayed on their way, or hang-ups; nothing else points at hang-ups.`,
      evidence,
    };
  }
  if (races && prem && raceConfirmed) {
    // Races held up on their way (a stalled target, relay or load balancer) read as hang-ups, in proportion to the
    // races: hang-ups fewer than a quarter of the races at the timer may all be such (blind lab world random-36,
    // 4–12 beside 49–81 races), and real ones may be as few (random-1401: one beside 5 races; random-1408 beside 43).
    const hangups = prem - offTimer;
    const few = hangups * 4 < atTimer;
    // Races seen only after the timer, on requests that may have reached the target before it fired, and fewer than
    // the hang-ups: each may be a hang-up as well. How late a held-up race may come is estimated from the spread of
    // the idle closes (classify.ts); blind world random-286 read one hang-up 36 ms after its 6.21 s timer as a race
    // beside 8 hang-ups while that bound was a round trip.
    const lateOnly = (cap.races["idle-timer"] ?? 0) === 0 && races < hangups;
    // Few, they leave which of the two it is a guess: one real hang-up beside the races is `both`, none is not
    // (random-1405, battery 102: 71 races and one held up 27 ms on its way, read `both` at medium).
    const conf: Confidence =
      lateOnly || few ? "low" : atTimer >= 2 && hangups >= 2 && timer.n >= MIN_SUPPORT ? "high" : "medium";
    return {
      cause: "both",
      confidence: conf,
      explains: raceExpl + premExpl,
      summary: `${t.target} closes idle sockets after ≈ ${ms(timer.ms)} as the gateway reuses them (${races} race(s)), and also closes connections without answering (${prem}).${few ? ` Those are few beside its races: races delayed on their way to the target read the same, so the hang-ups may not be real; the target's own log tells.` : ""}${lateOnly ? ` Its race(s) came only after that timer, on requests that may have reached the target before it fired: beside more hang-ups, they may be hang-ups too; the target's own log tells.` : ""}`,
      evidence,
    };
  }
  if (prem && beforeWrite >= 2 && timer && prem > offTimer) {
    // Races the wire does not show beside hang-ups it does: 502s at the target's idle closes, as a capture taken on
    // the target's side of a load balancer has them (the balancer never forwards a request to a reset socket).
    return {
      cause: "both",
      confidence: "medium",
      explains: raceExpl + premExpl,
      summary: `${t.target} closes idle sockets after ≈ ${ms(timer.ms)} (${beforeWrite} × 502 as it closed one, the request not on the wire), and also closes connections without answering (${prem}).`,
      evidence,
    };
  }
  if (prem) {
    // Every close came about as soon as the target answers, and no idle timer is known to have missed: an idle close
    // that crossed the request in flight reads the same (blind lab world random-120: one RST 31.6 ms after a request
    // on a socket idle 18.35 s, where the target answers in about 30 ms; its 18.35 s timer had fired).
    const timing = prem === offTimer && timer === null;
    const conf: Confidence = timing
      ? "low"
      : floor === null || prem === offTimer
        ? "medium"
        : prem >= 2 || premExpl > 0
          ? "high"
          : "medium";
    const note =
      (races
        ? ` ${races} other close(s) came sooner than the target answers but not at an idle timer: possibly races, possibly hang-ups.`
        : "") +
      (timing
        ? ` Each close came about as soon as the target answers and no idle timer could be inferred, so an idle close crossing the request would look the same: the target's own log, or a capture long enough to show its idle closes, tells which.`
        : "");
    // A response cut short is a close after the request too; the gateway had begun passing it on, so when the close
    // is a FIN it logs `targetResponse aborted` (ECONNRESET) and no 502 (lab: mid-response-fin).
    const what = [
      prem - cut ? `closes connections after receiving a request, without answering (${prem - cut})` : "",
      cut ? `cuts responses short, closing in the middle of its answer (${cut})` : "",
    ]
      .filter(Boolean)
      .join(", and ");
    // Closes that may be races as many as the hang-ups told by their timing: `both` is as likely (blind random-992
    // from its middle failure on: one hang-up, one close by timing alone, a third failure before the capture).
    const undecided = races > 0 && races >= prem - offTimer;
    return {
      cause: "premature-close",
      confidence: undecided ? "low" : races ? minConfidence(conf, "medium") : conf,
      explains: premExpl + (races ? raceExpl : 0),
      summary: `${t.target} ${what}.${note}${neverAnswers(cap) ? ` It answered none of the requests the capture shows: check that what listens on that port speaks plain HTTP (not TLS behind an http:// url).` : ""}`,
      evidence,
    };
  }
  if (races || beforeWrite) {
    const conf: Confidence = raceConfirmed
      ? atTimer >= 2 && timer.n >= 3
        ? "high"
        : "medium"
      : timer && beforeWrite >= 2
        ? "medium"
        : "low";
    // A close that soon after the last byte fires while the next request is on its way or unread: the target may
    // have had it for a few ms, a hang-up by the target's clock, which the wire cannot order (battery 110,
    // random-1671: a target closing 0–30 ms after each response, one of six such closes came 8 ms after the
    // request reached it).
    const blurred = timer !== null && timer.ms < BLURRED_TIMER_MS;
    const when = timer
      ? `after ≈ ${ms(timer.ms)} idle`
      : "when idle (no idle timer could be inferred: too few closes agree)";
    return {
      cause: "keepalive-mismatch",
      confidence: blurred ? minConfidence(conf, "medium") : conf,
      explains: raceExpl,
      summary:
        (timer && closesAfterEveryResponse(p)
          ? afterEach(t, timer.ms, races + beforeWrite)
          : `${t.target} closes pooled sockets ${when} just as the gateway reuses them (${races + beforeWrite} race(s)).`) +
        (blurred
          ? ` So soon after its last byte, some of those closes may have come after the request reached the target (hang-ups by its clock): the wire cannot order them within a few ms.`
          : ""),
      evidence,
    };
  }
  return null;
}
