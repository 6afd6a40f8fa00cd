/**
 * Failures that are the gateway's clients going away, not its targets failing. Pure.
 *
 * What microgateway-core 3.3.7 does when its client gives up (lab: client-abort-*): a request that had fully arrived
 * (a GET, a body already read) is not aborted: the target's answer, however late, is read and the socket pooled again,
 * with no line above level info and nothing failing on the wire. A client that leaves before its request is complete
 * (in the middle of an upload) makes the gateway abort the target request itself: it logs `sourceResponse on close,
 * source request aborted - abort target request` (info, 499), then `targetRequest error` and a client-facing 502
 * `socket hang up` / ECONNRESET (error), and on the wire closes the target connection with the request pending
 * (`gateway-close`). At level error that 502 reads like a keep-alive race's; its connection does not: the gateway
 * closed it first, and the gateway's own timeout (request_timeout, a proxy's timeout) is logged as a 504, never a 502.
 */
import type { DiagnosisEvidence, TargetEvidence } from "./types";
import { CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { gateway504, ownAnswers } from "./own-answers";

/** Codes of a connection that closed under a request: `socket hang up` is logged with ECONNRESET. */
export const RESET = ["ECONNRESET", "EPIPE"];

export interface ClientAborts {
  /** 502s of transactions the log shows its client left (level info). */
  logged: number;
  /** 502s matched to a connection the gateway closed itself with a request pending, no 504 left to account for them. */
  onWire: number;
  /** Without a log: connections the gateway closed with a request pending though nothing makes it time one out. */
  closesWithoutTimeout: number;
}

/**
 * Whether the gateway can time this target's requests out on its own: `edgemicro.request_timeout`, or the `timeout`
 * of a proxy to it. Unknown (true) without a config.
 */
export function timesOut(t: TargetEvidence, e: DiagnosisEvidence): boolean {
  const c = e.config;
  if (!c?.present) return true;
  return c.requestTimeoutS != null || c.proxies.some((p) => p.target === t.target && (p.timeoutMs ?? 0) > 0);
}

/** `gw504`: the target's 504s the gateway logged itself (not the target's own, not unanswered SYNs). */
export function clientAborts(t: TargetEvidence, e: DiagnosisEvidence, gw504: number): ClientAborts {
  const logged = t.errorCodes[CLIENT_GONE] ?? 0;
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  if (!e.logs.present)
    return { logged: 0, onWire: 0, closesWithoutTimeout: gwClose > 0 && !timesOut(t, e) ? gwClose : 0 };
  // Failures matched to the gateway's own closes: its timeouts are logged as 504s, the rest are 502s for a client gone,
  // logged as socket hang up / ECONNRESET. Other 502s at such a close are the target's: an answer that is not HTTP
  // (HPE_*) leaves the request pending on the wire too, and the gateway closes the connection itself.
  const matched = Math.min(t.capture?.explained502["gateway-close"] ?? 0, gwClose);
  const resets = RESET.reduce((n, k) => n + (t.errorCodes[k] ?? 0), 0);
  return { logged, onWire: Math.max(0, Math.min(matched - gw504 - logged, resets)), closesWithoutTimeout: 0 };
}

/** The sentence a verdict carries about them (empty when there are none). */
export function clientAbortNote(a: ClientAborts): string {
  const parts: string[] = [];
  if (a.logged)
    parts.push(
      `${a.logged} × 502 logged for it came after the gateway's client had gone (\`source request aborted\`, 499): the client left before its request was complete, and the gateway aborted the target request itself`,
    );
  if (a.onWire)
    parts.push(
      `${a.onWire} × 502 match connections the gateway closed itself with the request pending, and none of them a 504 (the gateway's own timeout is logged as a 504): its client left mid-request, and the gateway aborted the target request. The log holds errors only, so it cannot show the abort: at level info each is a \`sourceResponse on close, source request aborted\` line`,
    );
  if (a.closesWithoutTimeout)
    parts.push(
      `The gateway closed ${a.closesWithoutTimeout} connection(s) with a request pending, but the config sets no request_timeout (nor a timeout on this target's proxy), so it never stops waiting on its own: its client left before the request was complete (the gateway then logs 502 socket hang up, no failure of the target), or the gateway stopped. The gateway's log tells which`,
    );
  return parts.length ? `${parts.join(". ")}.` : "";
}

/** Over every target: the 502s that were clients gone, from the log's own lines and from the wire. */
export function incidentClientAborts(e: DiagnosisEvidence): { logged: number; onWire: number } {
  let logged = 0;
  let onWire = 0;
  for (const t of e.targets) {
    const own = ownAnswers(t, e.logs.coverage === "full");
    const a = clientAborts(t, e, gateway504(t, own));
    logged += Math.min(t.errors502, a.logged);
    onWire += Math.min(Math.max(0, t.errors502 - a.logged), a.onWire);
  }
  return { logged, onWire };
}
