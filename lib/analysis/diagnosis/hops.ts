import type { DiagnosisEvidence, Hop, Violation } from "./types";

export const NODE_DEFAULT_KEEP_ALIVE_MS = 5000;

/** The gateway's keep-alive as the guide compares it: edgemicro.keep_alive_timeout, Node's 5000 ms when unset. */
export function gatewayHop(e: DiagnosisEvidence): Hop {
  if (!e.config?.present) return { name: "gateway", keepAliveMs: null, source: null };
  if (e.config.keepAliveTimeoutMs === null)
    return { name: "gateway", keepAliveMs: NODE_DEFAULT_KEEP_ALIVE_MS, source: "default" };
  return { name: "gateway", keepAliveMs: e.config.keepAliveTimeoutMs, source: "config" };
}

/**
 * The target's idle timeout: the idle timer the capture shows first (measured beats remembered), then a
 * person's answer, then the Keep-Alive header the target announces.
 */
export function targetHop(e: DiagnosisEvidence): Hop {
  if (e.capture?.present && e.capture.inferredTargetIdleMs !== null)
    return { name: "target", keepAliveMs: e.capture.inferredTargetIdleMs, source: "capture" };
  if (e.answers.targetKeepAliveMs !== undefined)
    return { name: "target", keepAliveMs: e.answers.targetKeepAliveMs, source: "answer" };
  if (e.capture?.present && e.capture.keepAliveHeaderS !== null)
    return { name: "target", keepAliveMs: e.capture.keepAliveHeaderS * 1000, source: "header" };
  return { name: "target", keepAliveMs: null, source: null };
}

/** An answer the capture contradicts (more than the idle timer's tolerance apart), said out loud. */
export function answerConflict(e: DiagnosisEvidence): string | null {
  const a = e.answers.targetKeepAliveMs;
  const c = e.capture?.present ? e.capture.inferredTargetIdleMs : null;
  if (a === undefined || c === null || c === undefined || Math.abs(a - c) <= Math.max(50, c * 0.1)) return null;
  return `Your answer (target keep-alive ${a} ms) disagrees with the capture: ${e.capture!.support} idle closes of ${e.capture!.target ?? "the target"} agree on ${c} ms. The capture's value is used.`;
}

export function lbHop(e: DiagnosisEvidence): Hop {
  if (e.answers.lbKeepAliveMs !== undefined)
    return { name: "client/load balancer", keepAliveMs: e.answers.lbKeepAliveMs, source: "answer" };
  return { name: "client/load balancer", keepAliveMs: null, source: null };
}

/**
 * The rule: client/LB < gateway < target. A downstream hop whose keep-alive is not shorter than the
 * next hop upstream breaks it; `byMs` is how much longer (or equal → 0) it is.
 */
export function hopCheck(e: DiagnosisEvidence): { hops: Hop[]; violations: Violation[] } {
  const hops = [lbHop(e), gatewayHop(e), targetHop(e)];
  const violations: Violation[] = [];
  for (let i = 0; i + 1 < hops.length; i++) {
    const down = hops[i];
    const up = hops[i + 1];
    if (down.keepAliveMs === null || up.keepAliveMs === null) continue;
    if (down.keepAliveMs >= up.keepAliveMs)
      violations.push({ upstream: up.name, downstream: down.name, byMs: down.keepAliveMs - up.keepAliveMs });
  }
  return { hops, violations };
}
