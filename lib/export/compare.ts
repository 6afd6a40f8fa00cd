/** Two incidents side by side (before/after a fix): verdict, 502 rate per target, inferred timeouts, keep-alive config. Pure. */
import type { IncidentView } from "@/lib/api/incident-schema";

export interface TargetSide {
  requests: number | null;
  errors502: number;
  errorRate: number | null;
  inferredIdleTimeoutMs: number | null;
  races: number;
  prematureCloses: number;
}

export interface CompareSide {
  id: string;
  title: string;
  url: string;
  firstTs: number | null;
  lastTs: number | null;
  transactions: number;
  status502: number;
  logCoverage: IncidentView["summary"]["logCoverage"];
  verdict: IncidentView["diagnosis"]["verdict"];
  /** Keep-alive per hop as the guided flow sees it (gateway: edgemicro.keep_alive_timeout). */
  hops: Record<"lb" | "gateway" | "target", { keepAliveMs: number | null; source: string | null }>;
  violations: number;
}

export interface Comparison {
  a: CompareSide;
  b: CompareSide;
  targets: Array<{ target: string; a: TargetSide | null; b: TargetSide | null; rateChange: number | null }>;
}

const HOP_KEY = { "client/load balancer": "lb", gateway: "gateway", target: "target" } as const;

function side(v: IncidentView): CompareSide {
  const hops = {
    lb: { keepAliveMs: null, source: null },
    gateway: { keepAliveMs: null, source: null },
    target: { keepAliveMs: null, source: null },
  } as CompareSide["hops"];
  for (const h of v.diagnosis.hops) hops[HOP_KEY[h.name]] = { keepAliveMs: h.keepAliveMs, source: h.source };
  return {
    id: v.id,
    title: v.title,
    url: v.url,
    firstTs: v.summary.firstTs,
    lastTs: v.summary.lastTs,
    transactions: v.summary.transactions,
    status502: v.summary.status502,
    logCoverage: v.summary.logCoverage,
    verdict: v.diagnosis.verdict,
    hops,
    violations: v.diagnosis.violations.length,
  };
}

const targetSide = (t: IncidentView["targets"][number]): TargetSide => ({
  requests: t.requests,
  errors502: t.errors502,
  errorRate: t.errorRate,
  inferredIdleTimeoutMs: t.inferredIdleTimeoutMs,
  races: t.connections.byClass["keepalive-race"] ?? 0,
  prematureCloses: t.connections.byClass["premature-close"] ?? 0,
});

/** Targets of either incident, the worst (by 502s in either) first; `rateChange` is b − a when both rates are known. */
export function compareIncidents(a: IncidentView, b: IncidentView): Comparison {
  const names = [...new Set([...a.targets.map((t) => t.target), ...b.targets.map((t) => t.target)])];
  const find = (v: IncidentView, name: string) => v.targets.find((t) => t.target === name);
  const targets = names.map((target) => {
    const ta = find(a, target);
    const tb = find(b, target);
    const sa = ta ? targetSide(ta) : null;
    const sb = tb ? targetSide(tb) : null;
    const rateChange = sa?.errorRate != null && sb?.errorRate != null ? sb.errorRate - sa.errorRate : null;
    return { target, a: sa, b: sb, rateChange };
  });
  const worst = (r: Comparison["targets"][number]) => Math.max(r.a?.errors502 ?? 0, r.b?.errors502 ?? 0);
  targets.sort((x, y) => worst(y) - worst(x) || x.target.localeCompare(y.target));
  return { a: side(a), b: side(b), targets };
}
