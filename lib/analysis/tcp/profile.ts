/**
 * What one capture shows of a target's own timing, the context a close that crosses a pending request is
 * judged in (docs/formats.md §3): how fast the target ever answers, how long it kept idle sockets open, and at
 * which quiet time its idle closes agree. Streaming: one number per answered request / idle close.
 */
import type { Connection, HttpExchange } from "./types";

/** Closes that agree on one idle time: the target's idle timer. */
export interface IdleCluster {
  ms: number;
  n: number;
  spreadMs: number;
  of: number;
  /** The earliest of the agreeing closes' quiet times: the timer fires no sooner (absent in profiles built by hand). */
  minMs?: number;
  /** How far from `ms` a close still counts as at the timer; `clusterTolerance(ms)` when absent. */
  toleranceMs?: number;
}

export interface TargetProfile {
  target: string;
  /** Quickest first response byte after a request (ms, as captured); null when nothing was answered. */
  responseFloorMs: number | null;
  answered: number;
  /** Longest quiet after which a reused socket was still answered: the target's idle timeout is longer. */
  maxReuseGapMs: number | null;
  /** Target closes of idle sockets (no request pending). */
  idleCloses: number;
  /** Closes crossing a request sooner than the target ever answers (what timing alone would call races). */
  quickCloses: number;
  /** The idle timer, when at least MIN_SUPPORT closes agree and nothing contradicts it. */
  cluster: IdleCluster | null;
  /** Why closes that agree were not taken as the idle timer. */
  clusterNote: string | null;
  /**
   * A second idle time as many idle closes agree on (MIN_SUPPORT and 30 %): the one timer measured short where the
   * target's last bytes reached the capture late (blind lab world random-207: a response's last segment held back
   * ~35 ms by Nagle and a delayed ACK, 57 idle closes at 0.37 s and 46 at 0.40 s), or another backend behind the
   * address. A close crossing a request at it is a race as at the first. Absent on captures parsed before.
   */
  otherTimerMs?: number | null;
  /** Most frequent `Keep-Alive: timeout=N` the target announced. */
  keepAliveHeaderS: number | null;
  /** 5xx responses the target itself sent, by status: a 502 the gateway passed on rather than made. */
  serverErrors: Record<string, number>;
  /**
   * When (capture clock, epoch ms) the target sent its own 502s and 504s, by status, and answers that are not valid
   * HTTP (`invalid`): a log's time may cover only some of them. Null past OWN_ERROR_TIMES_MAX; absent on captures
   * parsed before.
   */
  ownErrorTimesMs?: Record<string, number[]> | null;
  /** Responses whose status line is not valid HTTP (`HTTP/1.1 abc OK`): Node's parser rejects them, a 502 each. */
  invalidResponses: number;
  /** Connections the gateway spoke TLS on: their exchanges are read from record timing (tls-records.ts). */
  encrypted: number;
}

export const MIN_SUPPORT = 3;
/** Beyond this many own 502 / 504 and invalid answers their times are not kept (the counts JSON stays small). */
export const OWN_ERROR_TIMES_MAX = 5000;
/** How far apart closes of one idle timer may lie: timer granularity and scheduling, a few % at long timeouts. */
export const clusterTolerance = (ms: number) => Math.max(30, ms * 0.04);

/**
 * A timer of this length or longer leaves few closes in a short capture (sockets must sit idle that long first), so
 * two closes may show it, when they agree within `pairTolerance`: a timer's closes do (blind lab world random-1120:
 * two races at 46.1 s, 1 ms apart, in a minute's capture), while hang-ups come after whatever gap the traffic left.
 */
export const PAIR_MIN_MS = 10_000;
export const pairTolerance = (ms: number) => Math.max(5, ms * 0.0005);

export const endpointLabel = (host: string, port: number) =>
  host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;

/** The last exchange when its request got no response byte at all. */
export function unansweredRequest(c: Connection): HttpExchange | null {
  const last = c.exchanges[c.exchanges.length - 1];
  return last && !last.complete && last.reqTsUs !== null && last.responseBytes === 0 ? last : null;
}

/** A target close that crosses an unanswered request: a race or a premature close, decided in context. */
export function crossingClose(
  c: Connection,
): { quietMs: number | null; afterRequestMs: number; pending: HttpExchange } | null {
  const pending = unansweredRequest(c);
  if (c.closer !== "target" || c.closeUs === null || !pending) return null;
  // Null on a new connection: nothing came before the request, so no idle timer was running.
  return {
    quietMs: c.exchanges.length > 1 ? c.idleGapMs : null,
    afterRequestMs: (c.closeUs - (pending.reqTsUs as number)) / 1000,
    pending,
  };
}

/**
 * Timing alone says the target could not have seen the request before it closed: its close reached the
 * capture before the request was sent, or sooner after it than the target ever answers (the answer needs
 * the same round trip plus the target's own work).
 */
export function closedBeforeSeeing(afterRequestMs: number, floorMs: number | null): boolean {
  return afterRequestMs < 0 || (floorMs !== null && afterRequestMs < floorMs - Math.max(1, floorMs * 0.1));
}

/** Timing alone says the target had the request long enough to answer it before it closed. */
export function hadTimeToAnswer(afterRequestMs: number, floorMs: number | null): boolean {
  return floorMs !== null && afterRequestMs > floorMs + Math.max(2, floorMs * 0.25);
}

interface Acc {
  floorUs: number | null;
  answered: number;
  maxReuseUs: number | null;
  idleQuiets: number[];
  crossings: Array<{ quietMs: number | null; afterRequestMs: number }>;
  headers: Map<number, number>;
  serverErrors: Record<string, number>;
  ownErrorTimes: Record<string, number[]>;
  invalidResponses: number;
  encrypted: number;
}

export class TargetProfiler {
  private readonly byTarget = new Map<string, Acc>();

  add(c: Connection): void {
    const key = endpointLabel(c.target.host, c.target.port);
    let a = this.byTarget.get(key);
    if (!a)
      this.byTarget.set(
        key,
        (a = {
          floorUs: null,
          answered: 0,
          maxReuseUs: null,
          idleQuiets: [],
          crossings: [],
          headers: new Map(),
          serverErrors: {},
          ownErrorTimes: {},
          invalidResponses: 0,
          encrypted: 0,
        }),
      );
    if (c.tls) a.encrypted++;
    // Past bytes the capture lost, requests and answers may be paired wrongly and quiet times measured from the wrong
    // byte: such exchanges and closes say nothing of the target's timing.
    const lostAt = Math.min(c.targetLostUs ?? Infinity, c.gatewayLostUs ?? Infinity);
    c.exchanges.forEach((e, i) => {
      if (e.keepAliveTimeoutS !== null && e.status !== null)
        a.headers.set(e.keepAliveTimeoutS, (a.headers.get(e.keepAliveTimeoutS) ?? 0) + 1);
      if (e.status !== null && e.status >= 500) a.serverErrors[e.status] = (a.serverErrors[e.status] ?? 0) + 1;
      const own = e.invalidResponse ? "invalid" : e.status === 502 || e.status === 504 ? String(e.status) : null;
      if (own && e.respTsUs !== null) (a.ownErrorTimes[own] ??= []).push(e.respTsUs / 1000);
      if (e.invalidResponse) a.invalidResponses++;
      if (e.reqTsUs === null || e.respTsUs === null) return;
      a.answered++;
      if (e.reqTsUs >= lostAt) return;
      const rt = e.respTsUs - e.reqTsUs;
      if (rt >= 0 && (a.floorUs === null || rt < a.floorUs)) a.floorUs = rt;
      if (i > 0 && e.prevActivityUs !== null) {
        const gap = e.reqTsUs - e.prevActivityUs;
        if (a.maxReuseUs === null || gap > a.maxReuseUs) a.maxReuseUs = gap;
      }
    });
    if (lostAt !== Infinity) return;
    const crossing = crossingClose(c);
    if (crossing) a.crossings.push({ quietMs: crossing.quietMs, afterRequestMs: crossing.afterRequestMs });
    else if (isIdleClose(c)) a.idleQuiets.push(c.idleGapMs as number);
  }

  profiles(): Map<string, TargetProfile> {
    const out = new Map<string, TargetProfile>();
    for (const [target, a] of this.byTarget) out.set(target, profileOf(target, a));
    return out;
  }
}

/** The target closed a socket that had carried exchanges and had nothing pending, without having said it would. */
function isIdleClose(c: Connection): boolean {
  if (c.closer !== "target" || c.idleGapMs === null || c.exchanges.length === 0) return false;
  const last = c.exchanges[c.exchanges.length - 1];
  return last.complete && !/\bclose\b/i.test(last.connectionHeader ?? "");
}

function profileOf(target: string, a: Acc): TargetProfile {
  const floorMs = a.floorUs === null ? null : a.floorUs / 1000;
  const maxReuseGapMs = a.maxReuseUs === null ? null : a.maxReuseUs / 1000;
  // The idle timer is seen in idle closes and in closes that timing shows were already on their way.
  const values = [...a.idleQuiets];
  let quickCloses = 0;
  for (const x of a.crossings) {
    if (x.quietMs === null || !closedBeforeSeeing(x.afterRequestMs, floorMs)) continue;
    values.push(x.quietMs);
    quickCloses++;
  }
  let cluster: IdleCluster | null = null;
  let clusterNote: string | null = null;
  let otherTimerMs: number | null = null;
  // Enough closes agree on an idle time: MIN_SUPPORT of them, and 30 % of all.
  const agreed = (group: number[]) => group.length >= MIN_SUPPORT && group.length >= 0.3 * values.length;
  const best = biggestCluster(values);
  if (agreed(best)) {
    const ms = median(best);
    if (maxReuseGapMs !== null && maxReuseGapMs > ms + clusterTolerance(ms)) {
      clusterNote = `${best.length} closes agree on ${Math.round(ms)} ms idle, but a socket idle ${Math.round(maxReuseGapMs)} ms was reused and answered: not an idle timeout.`;
    } else {
      cluster = {
        ms: Math.round(ms),
        n: best.length,
        spreadMs: Math.round(best[best.length - 1] - best[0]),
        of: values.length,
        minMs: best[0],
      };
      const second = biggestCluster(values.filter((v) => v < best[0] || v > best[best.length - 1]));
      const ms2 = agreed(second) ? median(second) : null;
      if (ms2 !== null && (maxReuseGapMs === null || maxReuseGapMs <= ms2 + clusterTolerance(ms2)))
        otherTimerMs = Math.round(ms2);
    }
  } else {
    cluster = longTimerPair(a, floorMs, maxReuseGapMs);
    if (!cluster && best.length > 0)
      clusterNote = `${values.length} idle close(s); at most ${best.length} agree on one idle time (${MIN_SUPPORT} needed, and at least 30 %).`;
  }
  let keepAliveHeaderS: number | null = null;
  let most = 0;
  for (const [v, n] of a.headers)
    if (n > most) {
      most = n;
      keepAliveHeaderS = v;
    }
  return {
    target,
    responseFloorMs: floorMs === null ? null : Math.round(floorMs * 10) / 10,
    answered: a.answered,
    maxReuseGapMs: maxReuseGapMs === null ? null : Math.round(maxReuseGapMs),
    idleCloses: a.idleQuiets.length,
    quickCloses,
    cluster,
    clusterNote,
    otherTimerMs,
    keepAliveHeaderS,
    serverErrors: a.serverErrors,
    ownErrorTimesMs: capTimes(a.ownErrorTimes),
    invalidResponses: a.invalidResponses,
    encrypted: a.encrypted,
  };
}

const capTimes = (times: Record<string, number[]>) =>
  Object.values(times).reduce((n, v) => n + v.length, 0) > OWN_ERROR_TIMES_MAX ? null : times;

/**
 * A long idle timer shown by two or more closes too few for MIN_SUPPORT: idle closes and closes crossing a request
 * that the target had no time to answer (a race's close may come as soon as an answer could: the request reached the
 * target as its timer fired), agreeing within `pairTolerance`. Every idle close must be among them (an idle close at
 * another quiet time contradicts the timer), they must be two thirds of those closes (among many hang-ups two agree
 * by chance; hang-ups the target had time to answer count too), and no socket idle longer was reused and answered.
 */
function longTimerPair(a: Acc, floorMs: number | null, maxReuseGapMs: number | null): IdleCluster | null {
  const reused = a.crossings.filter((x) => x.quietMs !== null);
  const values = [
    ...a.idleQuiets,
    ...reused.filter((x) => !hadTimeToAnswer(x.afterRequestMs, floorMs)).map((x) => x.quietMs as number),
  ];
  const pair = biggestCluster(values, pairTolerance);
  const closes = a.idleQuiets.length + reused.length;
  if (pair.length < 2 || pair[0] < PAIR_MIN_MS || pair.length * 3 < closes * 2) return null;
  const [lo, hi] = [pair[0], pair[pair.length - 1]];
  const tol = pairTolerance(lo);
  if (a.idleQuiets.some((q) => q < lo || q > hi)) return null;
  if (maxReuseGapMs !== null && maxReuseGapMs > hi + tol) return null;
  return {
    ms: Math.round(median(pair)),
    n: pair.length,
    spreadMs: Math.round(hi - lo),
    of: closes,
    minMs: lo,
    toleranceMs: tol,
  };
}

/** Largest set of sorted values within the tolerance of its smallest member. */
function biggestCluster(values: number[], tolerance = clusterTolerance): number[] {
  const v = [...values].sort((x, y) => x - y);
  let best: number[] = [];
  for (let i = 0, j = 0; i < v.length; i++) {
    if (j < i) j = i;
    while (j + 1 < v.length && v[j + 1] - v[i] <= tolerance(v[i])) j++;
    if (j - i + 1 > best.length) best = v.slice(i, j + 1);
  }
  return best;
}

function median(v: number[]): number {
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
};
const pick = (a: number | null, b: number | null, f: (x: number, y: number) => number) =>
  a === null ? b : b === null ? a : f(a, b);

/**
 * One target seen in several captures (a rotated set, two capture points): what is counted adds up, the quickest
 * answer and the longest reuse hold across all, and the idle timer is the best-supported capture's (closes of one
 * timer in two files are not pooled: their clocks or the timer may differ).
 */
export function mergeProfiles(a: TargetProfile, b: TargetProfile): TargetProfile {
  const [best, other] = (b.cluster?.n ?? 0) > (a.cluster?.n ?? 0) ? [b, a] : [a, b];
  return {
    ...best,
    responseFloorMs: pick(a.responseFloorMs, b.responseFloorMs, Math.min),
    answered: a.answered + b.answered,
    maxReuseGapMs: pick(a.maxReuseGapMs, b.maxReuseGapMs, Math.max),
    idleCloses: a.idleCloses + b.idleCloses,
    quickCloses: a.quickCloses + b.quickCloses,
    keepAliveHeaderS: best.keepAliveHeaderS ?? other.keepAliveHeaderS,
    serverErrors: addCounts(a.serverErrors, b.serverErrors),
    // Unknown in either (parsed before, or too many): unknown for both.
    ownErrorTimesMs:
      a.ownErrorTimesMs && b.ownErrorTimesMs
        ? capTimes(
            Object.fromEntries(
              [...new Set([...Object.keys(a.ownErrorTimesMs), ...Object.keys(b.ownErrorTimesMs)])].map((k) => [
                k,
                [...(a.ownErrorTimesMs?.[k] ?? []), ...(b.ownErrorTimesMs?.[k] ?? [])],
              ]),
            ),
          )
        : null,
    invalidResponses: a.invalidResponses + b.invalidResponses,
    encrypted: a.encrypted + b.encrypted,
  };
}
