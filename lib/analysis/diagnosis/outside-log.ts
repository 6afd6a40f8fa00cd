/**
 * Failing connections a capture shows outside the logs' time (a log rotated away, or one that stops before the capture
 * does): no log line names them. A gateway's close of a pending request there may be its timeout or a client gone, a
 * race there a failure the log never had: so they are not counted as failures, only against a cause that does not
 * stand for them, and against a healthy verdict. Pure.
 */
import type { DiagnosisEvidence, TargetCause, TargetEvidence, TargetVerdict } from "./types";
import { LOOKUP_FAILURES, sum } from "./codes";
import { closesBeforeTimeout, shortestTimeoutMs } from "./client-aborts";

const CLOSES = ["keepalive-race", "premature-close", "target-reset-mid-response"];
/** Failed lookups outside the log's time, estimated (`lookupsOutsideLog`): no capture of the target leg shows one. */
export const LOOKUPS = "lookup-failed (estimated)";
/** The classes each cause stands for; the rest weigh against it. */
const KIND: Partial<Record<TargetCause, string[]>> = {
  "keepalive-mismatch": CLOSES,
  "premature-close": CLOSES,
  both: CLOSES,
  "target-unreachable": ["refused", "syn-unanswered", LOOKUPS],
  "gateway-timeout": ["gateway-close"],
  "tls-error": ["tls-handshake-failed"],
  "target-error": ["target-502", "target-504", "target-invalid"],
};
/** The target's own answers (target-connections.ts) read as such; the rest are connection classes. */
const OWN: Record<string, string> = {
  "target-502": "× 502 answered by the target",
  "target-504": "× 504 answered by the target",
  "target-invalid": "answer(s) that are not valid HTTP",
};

export const outsideLogOf = (t: TargetEvidence, e: DiagnosisEvidence): Record<string, number> =>
  e.logs.present ? (t.capture?.outsideLog ?? {}) : {};

/**
 * The target's failed name lookups (ENOTFOUND, EAI_AGAIN) outside the log's time, at the log's rate per connection
 * the captures show opening there: a lookup never reaches the target leg, so the capture running on past the log shows
 * every other cause's failures there but not these (blind random-1746 with its log from the middle failure on: 35
 * failed lookups before it, against the races and hang-ups the capture showed there). An estimate: it may only
 * unsettle the incident's verdict, never make it.
 */
export function lookupsOutsideLog(t: TargetEvidence, e: DiagnosisEvidence): number {
  const share = e.logs.present ? (e.capture?.outsideLogShare ?? 0) : 0;
  return Math.round(sum(t.errorCodes, (k) => LOOKUP_FAILURES.includes(k)) * share);
}

/** Of them, those another cause than `cause` would stand for (a gateway close: a timeout, or a client gone). */
export const outsideLogAgainst = (outside: Record<string, number>, cause: TargetCause): number =>
  sum(outside, (k) => !(KIND[cause] ?? []).includes(k));

/**
 * Of them, those `cause` stands for, but a gateway's close (its timeout, or a client gone: the log of that time alone
 * tells): what they add to the cause's weight for the incident.
 */
export const outsideLogFor = (outside: Record<string, number>, cause: TargetCause): number =>
  sum(outside, (k) => k !== "gateway-close" && (KIND[cause] ?? []).includes(k));

/**
 * The cause failures outside the log's time stand for, as a target's verdict would name it, or null (none, or only
 * gateway closes: a timeout or a client gone, which the log of that time alone tells apart).
 */
export function outsideCause(outside: Record<string, number>): TargetCause | null {
  const races = outside["keepalive-race"] ?? 0;
  const hangups = (outside["premature-close"] ?? 0) + (outside["target-reset-mid-response"] ?? 0);
  const closes: TargetCause = races && hangups ? "both" : races ? "keepalive-mismatch" : "premature-close";
  const [top] = ([closes, "target-unreachable", "tls-error", "target-error"] as TargetCause[])
    .map((c) => ({ c, n: outsideLogFor(outside, c) }))
    .sort((a, b) => b.n - a.n);
  return top.n > 0 ? top.c : null;
}

/**
 * Targets healthy in the log's time whose failures the capture shows outside it, each with the cause those stand for
 * and nothing explained: they weigh with the others' failures outside the log's time.
 */
export const outsideOnly = (
  targets: TargetVerdict[],
  outside: (t: TargetVerdict) => Record<string, number>,
): TargetVerdict[] =>
  targets.flatMap((v) => {
    const c = v.cause === "healthy" ? outsideCause(outside(v)) : null;
    return c ? [{ ...v, cause: c, explains502: 0 }] : [];
  });

/**
 * The target's closes of a pending request at the gateway's timeout within the log's time, for a target the log names
 * no failure of: a timeout is logged as a 504 naming the target at any level, so their lines lost the target (a log
 * rotated between a failure's two lines) or the clocks were matched wrong (random-1794 with its log from the middle
 * failure on: two closes at request_timeout whose 504 line had lost the line naming the target, `healthy` at high).
 * Sooner closes are clients gone or a gateway restarting, and other classes may have no line of the target's either.
 */
export function unloggedTimeouts(t: TargetEvidence, e: DiagnosisEvidence, outside: Record<string, number>): number {
  const timeoutMs = shortestTimeoutMs(t, e);
  if (timeoutMs === null) return 0;
  const within = (t.capture?.byClass["gateway-close"] ?? 0) - (outside["gateway-close"] ?? 0);
  return Math.max(0, within - closesBeforeTimeout(t, timeoutMs));
}

/** "5 keepalive-race, 3 × 502 answered by the target": the most first. */
export const outsideLogList = (outside: Record<string, number>): string =>
  Object.entries(outside)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v} ${OWN[k] ?? k}`)
    .join(", ");

export function outsideLogLabel(outside: Record<string, number>): string | null {
  const n = sum(outside, () => true);
  if (n === 0) return null;
  return `${n} failure(s) in the capture lie outside the log's time (${outsideLogList(outside)}): no log line names them; the log of that time tells what each was`;
}
