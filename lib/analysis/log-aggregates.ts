/**
 * Per-file log aggregates, accumulated while the file is parsed and stored once at its end (LogBucket,
 * LogTargetStat): the incident page reads a few hundred rows instead of scanning a million transactions.
 * Pure: no I/O.
 */

/** Bucket widths kept; the timeline's bucket (lib/analysis/timeline.ts) is always a multiple of one of them. */
export const BUCKET_RES_MS = [1000, 60_000, 3_600_000] as const;
/**
 * Longest file span for which a width is still needed: the timeline aims at 60 bars, so a span over 1 h
 * never uses 1 s buckets and one over 30 h never uses 1 min buckets (they are dropped, memory stays flat).
 */
const RES_MAX_SPAN_MS = [3_600_000, 108_000_000, Infinity];

export interface AggregatedTransaction {
  startTs: number;
  status: number | null;
  errCode: string | null;
  /** Node's error text ("connect ETIMEDOUT 10.0.0.5:443"): tells a connect that timed out from a read that did. */
  errMessage?: string | null;
  target: string | null;
  proxy: string | null;
  durationMs: number | null;
  /** Status of the target's own response line (targetResponse), when the log has one. */
  targetStatus?: number | null;
  /** The target's response began and its connection closed before it was complete (lib/parsers/log/types.ts). */
  targetAborted?: boolean;
  /** The gateway logged its client going away first (`source request aborted`): it aborted the target request itself. */
  clientAborted?: boolean;
}

interface Counter {
  n: number;
  s502: number;
  s504: number;
}

export interface BucketRow extends Counter {
  resMs: number;
  t: number;
  /** 5xx error code ("none" when absent); null for other transactions. */
  code: string | null;
}

export interface TargetStatRow {
  target: string;
  proxy: string | null;
  requests: number;
  e502: number;
  e504: number;
  /** 502s / 504s whose status is the target's own answer (its targetResponse line), with no error code. */
  targetAnswered502: number;
  targetAnswered504: number;
  errorCodes: Record<string, number>;
  /** durationMs → count, transactions with status < 500. */
  durations: Record<string, number>;
}

/** The counts of a target's row before anything is summed into it. */
export const zeroTargetCounts = () => ({ requests: 0, e502: 0, e504: 0, targetAnswered502: 0, targetAnswered504: 0 });

/** A target's row while it is summed: the tallies as maps. */
interface TargetAcc extends Omit<TargetStatRow, "target" | "errorCodes" | "durations"> {
  errorCodes: Map<string, number>;
  durations: Map<number, number>;
}

/** The 5xx code key of a transaction: "" when it is not a 5xx. */
const codeKey = (status: number | null, errCode: string | null) =>
  status !== null && status >= 500 ? errCode || "none" : "";

/** A target's SYNs went unanswered until the kernel gave up: the target was unreachable, not slow. */
export const CONNECT_TIMEOUT = "ETIMEDOUT (connect)";
/**
 * EPROTO from OpenSSL: the target answered the gateway's TLS hello with bytes that are not TLS
 * (`ssl3_get_record:wrong version number`: plain HTTP on that port), or refused it with an alert (`tlsv1 alert
 * protocol version`: no TLS version in common; `handshake failure`: no cipher). The fixes differ, so they count apart.
 */
export const EPROTO_NOT_TLS = "EPROTO (not TLS)";
export const EPROTO_ALERT = "EPROTO (TLS alert)";
/** How the gateway's message of a failure while connecting begins (`connect ECONNREFUSED 10.0.0.5:8080`). */
export const CONNECT_MESSAGE_PREFIX = "connect ";
/** Codes whose message refines their key (targetCodeKey): the SQL that counts by key reads the message of these only. */
export const KEYED_BY_MESSAGE = ["ETIMEDOUT", "EPROTO"];
/** The key a target's error code is counted under: for some codes the gateway's message tells more. */
export function targetCodeKey(code: string, errMessage: string | null | undefined): string {
  if (code === "ETIMEDOUT" && errMessage?.startsWith(CONNECT_MESSAGE_PREFIX)) return CONNECT_TIMEOUT;
  if (code === "EPROTO" && errMessage) {
    if (/wrong version number/i.test(errMessage)) return EPROTO_NOT_TLS;
    if (/alert|handshake failure/i.test(errMessage)) return EPROTO_ALERT;
  }
  return code;
}

/**
 * A target's response cut short (its connection closed mid-response): counted under this key whatever the status the
 * client got (a 502 after a RST; none, the 200 already passed on, after a FIN). A 504 stays the gateway's timeout.
 */
export const ABORTED_RESPONSE = "ECONNRESET (aborted)";

/**
 * A failure the gateway logged after its client went away: at level info `sourceResponse on close, source request
 * aborted - abort target request` (499), then it aborts the target request itself and logs 502 `socket hang up` /
 * ECONNRESET though no client is left to answer. microgateway-core 3.3.7 does so only when the client leaves before
 * its request is complete (mid-upload); a GET given up on runs to the target's answer (lab: client-abort-*). Counted
 * under this key, not ECONNRESET: it is no failure of the target.
 */
export const CLIENT_GONE = "client gone (source request aborted)";

/** Bucket maps of every width over a file's growing span; a width is dropped (null) once the span outgrows it. */
class WidthBuckets<V> {
  readonly maps: Array<Map<number, V> | null> = BUCKET_RES_MS.map(() => new Map());
  private minTs = Infinity;
  private maxTs = -Infinity;

  /** Widens the span by `ts`, drops the widths it outgrew, and hands `fill` the bucket start and map of each width kept. */
  add(ts: number, fill: (t: number, byT: Map<number, V>) => void): void {
    if (ts < this.minTs) this.minTs = ts;
    if (ts > this.maxTs) this.maxTs = ts;
    for (let i = 0; i < BUCKET_RES_MS.length; i++) {
      const byT = this.maps[i];
      if (byT === null) continue;
      if (this.maxTs - this.minTs > RES_MAX_SPAN_MS[i]) {
        this.maps[i] = null;
        continue;
      }
      fill(Math.floor(ts / BUCKET_RES_MS[i]) * BUCKET_RES_MS[i], byT);
    }
  }
}

export class LogAggregator {
  /** Per width: bucket start → code key → counts. */
  private readonly buckets = new WidthBuckets<Map<string, Counter>>();
  private readonly targets = new Map<string, TargetAcc>();

  add(tx: AggregatedTransaction): void {
    const { startTs, status } = tx;
    const code = codeKey(status, tx.errCode);
    const is502 = status === 502 ? 1 : 0;
    const is504 = status === 504 ? 1 : 0;
    this.buckets.add(startTs, (t, byT) => {
      let byCode = byT.get(t);
      if (byCode === undefined) byT.set(t, (byCode = new Map()));
      let c = byCode.get(code);
      if (c === undefined) byCode.set(code, (c = { n: 0, s502: 0, s504: 0 }));
      c.n++;
      c.s502 += is502;
      c.s504 += is504;
    });
    if (tx.target === null) return;
    let a = this.targets.get(tx.target);
    if (a === undefined)
      this.targets.set(
        tx.target,
        (a = { proxy: null, ...zeroTargetCounts(), errorCodes: new Map(), durations: new Map() }),
      );
    a.requests++;
    a.e502 += is502;
    a.e504 += is504;
    if (!tx.errCode && tx.targetStatus === status) {
      a.targetAnswered502 += is502;
      a.targetAnswered504 += is504;
    }
    if (tx.proxy !== null && (a.proxy === null || tx.proxy < a.proxy)) a.proxy = tx.proxy;
    if (tx.clientAborted && status !== 504 && (code !== "" || tx.targetAborted))
      a.errorCodes.set(CLIENT_GONE, (a.errorCodes.get(CLIENT_GONE) ?? 0) + 1);
    else if (tx.targetAborted && status !== 504)
      a.errorCodes.set(ABORTED_RESPONSE, (a.errorCodes.get(ABORTED_RESPONSE) ?? 0) + 1);
    else if (code !== "") {
      const key = targetCodeKey(code, tx.errMessage);
      a.errorCodes.set(key, (a.errorCodes.get(key) ?? 0) + 1);
    }
    // As percentile_cont over durationMs FILTER (WHERE status < 500): nulls and 5xx are left out.
    else if (status !== null && status < 500 && tx.durationMs !== null)
      a.durations.set(tx.durationMs, (a.durations.get(tx.durationMs) ?? 0) + 1);
  }

  bucketRows(): BucketRow[] {
    const out: BucketRow[] = [];
    BUCKET_RES_MS.forEach((resMs, i) => {
      for (const [t, byCode] of this.buckets.maps[i] ?? []) {
        for (const [code, c] of byCode) out.push({ resMs, t, code: code === "" ? null : code, ...c });
      }
    });
    return out;
  }

  targetRows(): TargetStatRow[] {
    return [...this.targets].map(([target, a]) => ({
      target,
      ...a,
      errorCodes: Object.fromEntries(a.errorCodes),
      durations: Object.fromEntries(a.durations),
    }));
  }
}

/** The stored width a timeline bucket of `bucketMs` is built from (the largest one dividing it). */
export function resFor(bucketMs: number): number {
  for (let i = BUCKET_RES_MS.length - 1; i >= 0; i--) if (bucketMs % BUCKET_RES_MS[i] === 0) return BUCKET_RES_MS[i];
  return BUCKET_RES_MS[0];
}

/** Adds histogram `b` into `a` (durationMs → count). */
export function mergeHistogram(a: Map<number, number>, b: Record<string, number>): void {
  for (const [k, n] of Object.entries(b)) a.set(Number(k), (a.get(Number(k)) ?? 0) + n);
}

/** PostgreSQL's percentile_cont(p) over the values a histogram counts: linear between the two nearest ranks. */
export function percentileCont(hist: Map<number, number>, p: number): number | null {
  let total = 0;
  for (const n of hist.values()) total += n;
  if (total === 0) return null;
  const values = [...hist.keys()].sort((x, y) => x - y);
  const pos = p * (total - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  let seen = 0;
  let vLo: number | null = null;
  let vHi: number | null = null;
  for (const v of values) {
    seen += hist.get(v)!;
    if (vLo === null && seen > lo) vLo = v;
    if (seen > hi) {
      vHi = v;
      break;
    }
  }
  return vLo! + (pos - lo) * (vHi! - vLo!);
}

/** Target-sent closes of one capture per bucket, at the widths of BUCKET_RES_MS: `{ [resMs]: [t, fin, rst][] }`. */
export type CloseBuckets = Record<string, Array<[number, number, number]>>;

/** Accumulates a capture's target FIN/RST closes for the timeline markers (stored in the file's counts). */
export class CloseBucketAggregator {
  private readonly buckets = new WidthBuckets<[number, number]>();

  add(closeMs: number, kind: "FIN" | "RST" | null): void {
    this.buckets.add(closeMs, (t, byT) => {
      let c = byT.get(t);
      if (c === undefined) byT.set(t, (c = [0, 0]));
      c[kind === "RST" ? 1 : 0]++;
    });
  }

  result(): CloseBuckets {
    const out: CloseBuckets = {};
    BUCKET_RES_MS.forEach((res, i) => {
      const byT = this.buckets.maps[i];
      if (byT) out[res] = [...byT].map(([t, [fin, rst]]) => [t, fin, rst]);
    });
    return out;
  }
}
