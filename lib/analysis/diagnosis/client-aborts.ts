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
import type { DiagnosisEvidence, EvidenceRef, TargetEvidence } from "./types";
import { CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { gateway504, ownAnswers } from "./own-answers";

/** Codes of a connection that closed under a request: `socket hang up` is logged with ECONNRESET. */
export const RESET = ["ECONNRESET", "EPIPE"];

export interface ClientAborts {
  /** 502s of transactions the log shows its client left (level info). */
  logged: number;
  /** 502s matched to a connection the gateway closed itself with a request pending, no 504 left to account for them. */
  onWire: number;
  /**
   * Without a log: connections the gateway closed with a request pending that no timeout of its own explains: none is
   * configured, or each close came sooner after the connection's last byte than the shortest one.
   */
  closesWithoutTimeout: number;
  /** That shortest timeout (ms): Infinity when none is configured, null without a config. */
  timeoutMs: number | null;
}

/**
 * The shortest time the gateway waits for this target on a quiet socket (ms): `edgemicro.request_timeout`, or the
 * `timeout` of a proxy to it (microgateway-core sets either as the target request's socket timeout, an idle timer
 * that every byte either way restarts). Infinity when neither is set; null without a config (unknown).
 */
export function shortestTimeoutMs(t: TargetEvidence, e: DiagnosisEvidence): number | null {
  const c = e.config;
  if (!c?.present) return null;
  const proxies = c.proxies.filter((p) => p.target === t.target && (p.timeoutMs ?? 0) > 0).map((p) => p.timeoutMs!);
  return Math.min((c.requestTimeoutS ?? 0) > 0 ? c.requestTimeoutS! * 1000 : Infinity, ...proxies);
}

/**
 * The gateway's closes of a pending request that came too soon for its timeout: quiet before the close shorter than
 * the timeout, by more than the capture's timing can blur (5 %, at least 100 ms). Closes of unknown quiet count as
 * timeouts.
 */
export function closesBeforeTimeout(t: TargetEvidence, timeoutMs: number): number {
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  if (timeoutMs === Infinity) return gwClose;
  const limit = timeoutMs - Math.max(100, timeoutMs * 0.05);
  const early = Object.entries(t.capture?.gatewayCloseQuiet ?? {}).reduce(
    (n, [step, count]) => (Number(step) + 10 <= limit ? n + count : n),
    0,
  );
  return Math.min(gwClose, early);
}

/** Every close of a pending request the gateway made on this target came too soon for its timeout: clients gone. */
export function closesAllTooSoon(t: TargetEvidence, e: DiagnosisEvidence): boolean {
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  const timeoutMs = shortestTimeoutMs(t, e);
  return gwClose > 0 && timeoutMs !== null && closesBeforeTimeout(t, timeoutMs) >= gwClose;
}

/** `gw504`: the target's 504s the gateway logged itself (not the target's own, not unanswered SYNs). */
export function clientAborts(t: TargetEvidence, e: DiagnosisEvidence, gw504: number): ClientAborts {
  const logged = t.errorCodes[CLIENT_GONE] ?? 0;
  const gwClose = t.capture?.byClass["gateway-close"] ?? 0;
  const timeoutMs = shortestTimeoutMs(t, e);
  if (!e.logs.present)
    return {
      logged: 0,
      onWire: 0,
      closesWithoutTimeout: gwClose > 0 && timeoutMs !== null ? closesBeforeTimeout(t, timeoutMs) : 0,
      timeoutMs,
    };
  // Failures matched to the gateway's own closes: its timeouts are logged as 504s, the rest are 502s for a client gone,
  // logged as socket hang up / ECONNRESET. Other 502s at such a close are the target's: an answer that is not HTTP
  // (HPE_*) leaves the request pending on the wire too, and the gateway closes the connection itself.
  const matched = Math.min(t.capture?.explained502["gateway-close"] ?? 0, gwClose);
  const resets = RESET.reduce((n, k) => n + (t.errorCodes[k] ?? 0), 0);
  return {
    logged,
    onWire: Math.max(0, Math.min(matched - gw504 - logged, resets)),
    closesWithoutTimeout: 0,
    timeoutMs,
  };
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
      `The gateway closed ${a.closesWithoutTimeout} connection(s) with a request pending, ${a.timeoutMs === Infinity ? "but the config sets no request_timeout (nor a timeout on this target's proxy), so it never stops waiting on its own" : `each sooner after the connection's last byte than its shortest timeout for this target (${a.timeoutMs! / 1000} s), an idle timer that never fires sooner`}: its client left before the request was complete (the gateway then logs 502 socket hang up, no failure of the target), or the gateway stopped. The gateway's log tells which`,
    );
  return parts.length ? `${parts.join(". ")}.` : "";
}

/** The evidence a verdict carries for them: the log's abort lines, the gateway's own closes. */
export function clientAbortEvidence(
  aborts: ClientAborts,
  logRef: (l: string) => EvidenceRef,
  capRef: (cls: string, l: string) => EvidenceRef,
): EvidenceRef[] {
  return [
    ...(aborts.logged
      ? [logRef(`${aborts.logged} × 502 after the client went away (source request aborted, 499)`)]
      : []),
    ...(aborts.onWire || aborts.closesWithoutTimeout
      ? [
          capRef(
            "gateway-close",
            `${aborts.onWire || aborts.closesWithoutTimeout} connection(s) the gateway closed itself with a request pending${aborts.onWire ? ", each at a 502 and no 504" : aborts.timeoutMs === Infinity ? ", and no timeout configured" : ", sooner than its timeout"}: its client had left`,
          ),
        ]
      : []),
  ];
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
