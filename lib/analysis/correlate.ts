/** Ties each 502/ECONNRESET log transaction to the TCP connection whose close/reset it coincides with. */
import type { Window } from "./capture-window";

export interface Failure {
  correlationId: string;
  target: string | null;
  ts: number;
  /** The log's error code, when it has one. */
  code?: string | null;
}
/** A candidate connection: `ts` is its close/reset time, or the unanswered request's time. */
export interface Candidate {
  id: string;
  target: string;
  ts: number;
  classCode: string;
}
export interface Match {
  correlationId: string;
  connId: string;
  deltaMs: number;
  classCode: string;
}
/** Log clock minus capture clock, as the failures and the closes agree on it. */
export interface OffsetEstimate {
  offsetMs: number;
  pairs: number;
}
export type OffsetSource = "override" | "detected" | "none";
export interface Correlation {
  /** What the data say (null: fewer than 3 agreeing pairs, or no majority). */
  detected: OffsetEstimate | null;
  /** How far apart a failure and a close may be (after the offset) to be matched: from the data's own spread. */
  windowMs: number;
  /** The offset applied when matching, and where it came from. */
  offsetMs: number;
  source: OffsetSource;
  matches: Match[];
  explained: Record<string, number>;
  unmatched: string[];
}

/** How far apart a 502 and a close may lie while looking for the clock offset. */
export const DEFAULT_TOLERANCE_MS = 1000;
/** The match window when too few pairs agree to measure one: a log line follows its close within tens of ms on one host. */
export const FALLBACK_WINDOW_MS = 200;
const MIN_WINDOW_MS = 25;
const MIN_PAIRS = 3;
/**
 * Pairs an offset beyond the search tolerance needs beyond those at zero: failures and closes that both come at a
 * steady pace line up by chance at some offset (recorded: tls-race-rst's first third, 2 pairs at zero, 3 at +18.1 s).
 * One host, one clock is the usual case; a skew must explain clearly more than no skew does.
 */
const SKEW_MARGIN_PAIRS = 2;
/**
 * How far apart a failure's log line and its close may lie, the offset removed, to vote for that offset and count as
 * its support. Lab recordings' pairs lie within 41 ms of their offset (p99 22 ms, 613 pairs); a net as wide as the
 * tolerance lets failures the capture never saw (its tcpdump started late) line up with its closes by chance.
 */
const VOTE_MS = 100;
/** Upper bound on failure × candidate differences looked at when voting for an offset. */
const MAX_VOTES = 500_000;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Candidates sorted by time, per target and all together (a failure without a target may match any). */
function indexCandidates(candidates: Candidate[]) {
  const all = [...candidates].sort((a, b) => a.ts - b.ts);
  const byTarget = new Map<string, Candidate[]>();
  for (const c of all) {
    const list = byTarget.get(c.target) ?? [];
    list.push(c);
    byTarget.set(c.target, list);
  }
  return (f: Failure) => (f.target === null ? all : (byTarget.get(f.target) ?? []));
}

/** Index of the first element with ts >= t. */
function lowerBound(list: Candidate[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a time (capture clock) lies within the captures' recording, or else within the span of their closes. */
function capturedAt(candidates: Candidate[], recording: Window[], marginMs: number) {
  let first = Infinity;
  let last = -Infinity;
  for (const c of candidates) {
    first = Math.min(first, c.ts);
    last = Math.max(last, c.ts);
  }
  const windows = recording.length ? recording : [{ start: first, end: last }];
  return (ts: number) => windows.some((w) => ts >= w.start - marginMs && ts <= w.end + marginMs);
}

/**
 * The closes whose time a failure's log line marks: not normal ones, and not SYNs nothing answered, whose failure the
 * gateway logs when the kernel gives up on them or its request_timeout fires, seconds after the last SYN captured
 * (blind lab world random-105: 8 such beside 7 client aborts kept its 67.64 s skew from standing).
 */
const clockShaped = (candidates: Candidate[]) =>
  candidates.filter((c) => c.classCode !== "normal" && c.classCode !== "syn-unanswered");

/**
 * Pure. One host, one clock is the usual case: when most failures within the captures' time close there (within
 * VOTE_MS) with no offset, that stands, the estimate being the median of those differences. Else each failure votes
 * with its difference to every failure-shaped close on its target (all closes when the capture has none); the window
 * of width 2 × VOTE_MS (at most 2 × tolerance) holding the most distinct failures wins, ties going to the offset
 * nearest zero. Works for offsets larger than the capture itself, where nearest-neighbour guesses fail. An offset
 * stands when at least MIN_PAIRS and most of the failures falling within the captures' time at it (`recording`, on
 * the capture's clock; else the span of its closes) have a close there: failures logged after a capture stopped,
 * many and regular, line up with its closes at some offset by chance. An offset beyond the tolerance needs
 * SKEW_MARGIN_PAIRS more pairs than zero has.
 */
export function detectOffset(
  failures: Failure[],
  candidates: Candidate[],
  toleranceMs = DEFAULT_TOLERANCE_MS,
  recording: Window[] = [],
): OffsetEstimate | null {
  const shaped = clockShaped(candidates);
  const forTarget = indexCandidates(shaped.length ? shaped : candidates);
  const net = Math.min(toleranceMs, VOTE_MS);
  const captured = capturedAt(candidates, recording, net);
  // Counted over every failure (not only the voters): the differences (log − capture) of those with a close within
  // the net at `offsetMs`, of how many the captures could show.
  const support = (offsetMs: number) => {
    const diffs: number[] = [];
    let inCapture = 0;
    for (const f of failures) {
      const list = forTarget(f);
      const at = f.ts - offsetMs;
      if (list.length === 0 || !captured(at)) continue;
      inCapture++;
      let nearest = Infinity;
      for (let i = lowerBound(list, at - net); i < list.length && list[i].ts <= at + net; i++)
        if (Math.abs(at - list[i].ts) < Math.abs(nearest)) nearest = at - list[i].ts;
      if (nearest !== Infinity) diffs.push(offsetMs + nearest);
    }
    return { diffs, stands: diffs.length >= MIN_PAIRS && diffs.length * 2 > inCapture };
  };
  const estimate = (diffs: number[]) => Math.round(median(diffs) * 1000) / 1000;
  const unskewed = support(0);
  if (unskewed.stands) return { offsetMs: estimate(unskewed.diffs), pairs: unskewed.diffs.length };

  // Too many pairs to look at: every k-th failure votes (evenly over time, so the estimate is not biased).
  const total = failures.reduce((n, f) => n + forTarget(f).length, 0);
  const every = Math.max(1, Math.ceil(total / MAX_VOTES));
  const votes: Array<{ d: number; f: number }> = [];
  for (let i = 0; i < failures.length; i += every) {
    for (const c of forTarget(failures[i])) votes.push({ d: failures[i].ts - c.ts, f: i });
  }
  if (votes.length === 0) return null;
  votes.sort((a, b) => a.d - b.d);
  const inWindow = new Map<number, number>();
  let best = { support: 0, lo: 0, hi: 0, center: 0 };
  for (let lo = 0, hi = 0; lo < votes.length; lo++) {
    while (hi < votes.length && votes[hi].d - votes[lo].d <= 2 * net) {
      inWindow.set(votes[hi].f, (inWindow.get(votes[hi].f) ?? 0) + 1);
      hi++;
    }
    const center = (votes[lo].d + votes[hi - 1].d) / 2;
    if (inWindow.size > best.support || (inWindow.size === best.support && Math.abs(center) < Math.abs(best.center)))
      best = { support: inWindow.size, lo, hi, center };
    const n = inWindow.get(votes[lo].f)! - 1;
    if (n === 0) inWindow.delete(votes[lo].f);
    else inWindow.set(votes[lo].f, n);
  }
  // One difference per failure: the one nearest the window's centre.
  const perFailure = new Map<number, number>();
  for (const v of votes.slice(best.lo, best.hi)) {
    const prev = perFailure.get(v.f);
    if (prev === undefined || Math.abs(v.d - best.center) < Math.abs(prev - best.center)) perFailure.set(v.f, v.d);
  }
  const offsetMs = estimate([...perFailure.values()]);
  const voted = support(offsetMs);
  const needed = Math.abs(offsetMs) > toleranceMs ? unskewed.diffs.length + SKEW_MARGIN_PAIRS : MIN_PAIRS;
  return voted.stands && voted.diffs.length >= needed ? { offsetMs, pairs: voted.diffs.length } : null;
}

/**
 * The match window: three times the typical distance of the agreeing pairs from the offset, plus the log's
 * millisecond rounding; a wrong offset then leaves failures unmatched instead of pairing them with any close nearby.
 */
export function matchWindow(
  failures: Failure[],
  candidates: Candidate[],
  detected: OffsetEstimate | null,
  toleranceMs = DEFAULT_TOLERANCE_MS,
  recording: Window[] = [],
): number {
  if (!detected) return Math.min(FALLBACK_WINDOW_MS, toleranceMs);
  const shaped = clockShaped(candidates);
  const forTarget = indexCandidates(shaped.length ? shaped : candidates);
  // Only failures the captures could show: one logged after a capture stopped is near some close by chance.
  const captured = capturedAt(candidates, recording, Math.min(toleranceMs, VOTE_MS));
  const devs: number[] = [];
  for (const f of failures) {
    const list = forTarget(f);
    const at = f.ts - detected.offsetMs;
    if (!captured(at)) continue;
    const i = lowerBound(list, at - toleranceMs);
    let best = Infinity;
    for (let j = i; j < list.length && list[j].ts <= at + toleranceMs; j++)
      best = Math.min(best, Math.abs(at - list[j].ts));
    if (best !== Infinity) devs.push(best);
  }
  devs.sort((a, b) => a - b);
  const p75 = devs[Math.floor((devs.length - 1) * 0.75)] ?? 0;
  return Math.min(toleranceMs, Math.max(MIN_WINDOW_MS, Math.ceil(3 * p75 + 10)));
}

/** How late after its close a log line may still be matched, once every pair within the window is taken. */
export const lateWindow = (windowMs: number, toleranceMs = DEFAULT_TOLERANCE_MS) =>
  Math.min(toleranceMs, 4 * windowMs + 100);

/**
 * The offset to match with: a person's override first; else the detected one when it exceeds the match window
 * (a few ms between a packet and its log line is the gateway's own latency, not clock skew); else none.
 */
export function effectiveOffset(
  override: number | null,
  detected: OffsetEstimate | null,
  windowMs = MIN_WINDOW_MS,
): { offsetMs: number; source: OffsetSource } {
  if (override !== null) return { offsetMs: override, source: "override" };
  if (detected && Math.abs(detected.offsetMs) > windowMs) return { offsetMs: detected.offsetMs, source: "detected" };
  return { offsetMs: 0, source: "none" };
}

/** Pure: matches each failure greedily (failure-shaped connections first, then nearest) within the data's window after the offset. */
export function correlate(
  failures: Failure[],
  candidates: Candidate[],
  opts: { toleranceMs?: number; overrideMs?: number | null; recording?: Window[] } = {},
): Correlation {
  const toleranceMs = opts.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const detected = detectOffset(failures, candidates, toleranceMs, opts.recording);
  const windowMs = matchWindow(failures, candidates, detected, toleranceMs, opts.recording);
  const { offsetMs, source } = effectiveOffset(opts.overrideMs ?? null, detected, windowMs);
  const forTarget = indexCandidates(candidates);
  // A log line follows its close (one host, one clock) but can lag it by a busy event loop: late pairs are
  // taken after every pair within the window, never before a close by more than the window.
  const lateMs = lateWindow(windowMs, toleranceMs);
  const pairs: Array<{ f: Failure; c: Candidate; d: number }> = [];
  for (const f of failures) {
    const list = forTarget(f);
    for (
      let i = lowerBound(list, f.ts - offsetMs - lateMs);
      i < list.length && list[i].ts <= f.ts - offsetMs + windowMs;
      i++
    ) {
      // A refused connect is the failure only of a refusal: one just after another failure is the next connection's
      // first try (a name's IPv6 address refused, its IPv4 one answering).
      if (list[i].classCode === "refused" && f.code && f.code !== "ECONNREFUSED") continue;
      pairs.push({ f, c: list[i], d: f.ts - offsetMs - list[i].ts });
    }
  }
  const rank = (p: { c: Candidate; d: number }) =>
    (Math.abs(p.d) <= windowMs ? 0 : 2) + (p.c.classCode === "normal" ? 1 : 0);
  pairs.sort((a, b) => rank(a) - rank(b) || Math.abs(a.d) - Math.abs(b.d));
  const usedF = new Set<string>();
  const usedC = new Set<string>();
  const matches: Match[] = [];
  for (const p of pairs) {
    if (usedF.has(p.f.correlationId) || usedC.has(p.c.id)) continue;
    usedF.add(p.f.correlationId);
    usedC.add(p.c.id);
    matches.push({ correlationId: p.f.correlationId, connId: p.c.id, deltaMs: p.d, classCode: p.c.classCode });
  }
  const explained: Record<string, number> = {};
  for (const m of matches) explained[m.classCode] = (explained[m.classCode] ?? 0) + 1;
  return {
    detected,
    windowMs,
    offsetMs,
    source,
    matches,
    explained,
    unmatched: failures.filter((f) => !usedF.has(f.correlationId)).map((f) => f.correlationId),
  };
}
