/** Failure-shape classification of one connection and keep-alive timeout inference (FORMATS.md §3). */
import { RACE_WINDOW_MS, type Connection, type HttpExchange } from "./types";

export type ConnectionCode =
  | "normal" | "keepalive-race" | "premature-close" | "target-reset-mid-response" | "refused" | "gateway-close" | "unknown";

export interface Classification { code: ConnectionCode; reason: string }

const ms = (us: number) => Math.round(us / 1000);
const sec = (msv: number) => (msv / 1000).toFixed(2);
const reqName = (e: HttpExchange) => `${e.method ?? "?"} ${e.path ?? "?"}`;

export function classifyConnection(c: Connection): Classification {
  const n = c.exchanges.length;
  const last: HttpExchange | undefined = c.exchanges[n - 1];
  const doneBefore = c.exchanges.filter((e) => e.complete).length;
  if (c.connState === "REJ") {
    return { code: "refused", reason: `The target answered the SYN at frame ${c.firstFrame} with RST: connection refused.` };
  }
  if (c.connState === "S0") {
    return { code: "unknown", reason: `The SYN at frame ${c.firstFrame} was never answered.` };
  }
  const pending = last && !last.complete && last.reqTsUs !== null ? last : undefined;
  if (c.closer === "target" && c.closeUs !== null && pending) {
    const deltaMs = (c.closeUs - (pending.reqTsUs as number)) / 1000;
    const rst = c.targetRst ? ", then reset the connection" : "";
    if (pending.responseBytes === 0 && doneBefore >= 1 && Math.abs(deltaMs) <= RACE_WINDOW_MS && c.idleGapMs !== null && c.idleGapMs >= 500) {
      return {
        code: "keepalive-race",
        reason: `After ${doneBefore} exchange(s) and ${sec(c.idleGapMs)} s idle, the target sent ${c.closeKind} at frame ${c.closeFrame} ` +
          `${Math.abs(deltaMs).toFixed(1)} ms ${deltaMs >= 0 ? "after" : "before"} the gateway's new request ${reqName(pending)} (frame ${pending.reqFrame})${rst}.`,
      };
    }
    if (pending.responseBytes === 0) {
      const acked = pending.reqAckedUs !== null ? "the target ACKed it, then " : "";
      return {
        code: "premature-close",
        reason: `The gateway sent ${reqName(pending)} at frame ${pending.reqFrame}; ${acked}the target sent ${c.closeKind} ` +
          `${deltaMs.toFixed(1)} ms later (frame ${c.closeFrame}) without any response bytes.`,
      };
    }
    if (c.closeKind === "RST" || c.targetRst) {
      return {
        code: "target-reset-mid-response",
        reason: `The target reset the connection at frame ${c.closeFrame} after ${pending.responseBytes} response bytes of ${reqName(pending)}` +
          `${pending.status !== null ? ` (status ${pending.status})` : ""}.`,
      };
    }
  }
  if (c.closer === "gateway" && pending) {
    return {
      code: "gateway-close",
      reason: `The gateway sent ${c.closeKind} at frame ${c.closeFrame}, ${ms((c.closeUs as number) - (pending.reqTsUs as number))} ms after ` +
        `${reqName(pending)}, before the response was complete (${pending.responseBytes} response bytes).`,
    };
  }
  if (!pending && (c.closeKind !== "RST" || c.closer === "gateway")) {
    const how = c.closer ? `${c.closer} closed with ${c.closeKind}` : "still open at end of capture";
    const idle = c.idleGapMs !== null ? ` after ${sec(c.idleGapMs)} s idle` : "";
    return { code: "normal", reason: `${n} exchange(s), all answered; ${how}${c.closer ? idle : ""}.` };
  }
  return { code: "unknown", reason: `State ${c.connState}, history ${c.history}, ${n} exchange(s); closer ${c.closer ?? "none"} with ${c.closeKind ?? "nothing"}.` };
}

export interface IdleTimeoutEstimate {
  target: string;
  timeoutMs: number | null;
  /** Number of target-first idle closes in the chosen cluster. */
  support: number;
  /** Most frequent `Keep-Alive: timeout=N` the target advertised. */
  fromHeaderS: number | null;
}

/**
 * Infers each target's keep-alive idle timeout from the idle gaps before target-first FINs. Streaming:
 * `add` keeps one number per eligible close and the advertised header counts, not the connections.
 */
export class IdleTimeoutEstimator {
  private readonly byTarget = new Map<string, { gaps: number[]; headers: Map<number, number> }>();

  /** `code`: the connection's class, when the caller has it already. */
  add(c: Connection, code?: ConnectionCode): void {
    const key = c.target.host.includes(":") ? `[${c.target.host}]:${c.target.port}` : `${c.target.host}:${c.target.port}`;
    let t = this.byTarget.get(key);
    if (!t) { t = { gaps: [], headers: new Map() }; this.byTarget.set(key, t); }
    for (const e of c.exchanges) {
      if (e.keepAliveTimeoutS !== null) t.headers.set(e.keepAliveTimeoutS, (t.headers.get(e.keepAliveTimeoutS) ?? 0) + 1);
    }
    if (c.closer !== "target" || c.closeKind !== "FIN" || c.idleGapMs === null) return;
    if (!c.exchanges.some((e) => e.complete)) return;
    const cls = code ?? classifyConnection(c).code;
    if (cls === "normal" || cls === "keepalive-race") t.gaps.push(c.idleGapMs);
  }

  estimates(): IdleTimeoutEstimate[] {
    const out: IdleTimeoutEstimate[] = [];
    for (const [target, t] of this.byTarget) {
      const cluster = biggestCluster(t.gaps);
      let fromHeaderS: number | null = null;
      let best = 0;
      for (const [v, cnt] of t.headers) if (cnt > best) { best = cnt; fromHeaderS = v; }
      out.push({ target, timeoutMs: cluster.length ? Math.round(median(cluster)) : null, support: cluster.length, fromHeaderS });
    }
    return out;
  }
}

/** Infer each target's keep-alive idle timeout from a list of connections (see IdleTimeoutEstimator). */
export function inferTargetIdleTimeout(conns: Connection[]): IdleTimeoutEstimate[] {
  const est = new IdleTimeoutEstimator();
  for (const c of conns) est.add(c);
  return est.estimates();
}

/** Largest run of sorted values within max(100 ms, 10 %) of its smallest member. */
function biggestCluster(values: number[]): number[] {
  const v = [...values].sort((a, b) => a - b);
  let best: number[] = [];
  for (let i = 0, j = 0; i < v.length; i++) {
    if (j < i) j = i;
    while (j + 1 < v.length && v[j + 1] - v[i] <= Math.max(100, v[i] * 0.1)) j++;
    if (j - i + 1 > best.length) best = v.slice(i, j + 1);
  }
  return best;
}

function median(v: number[]): number {
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
