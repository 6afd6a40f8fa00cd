// Server parts of the incident page's evidence: each chart reads its own aggregate and streams in its own Suspense.
import "server-only";
import { app } from "@/lib/server/app";
import { failurePaths, idleGapCharts } from "@/lib/incidents/evidence-charts";
import type { IncidentView } from "@/lib/api/incident-schema";
import { isCaptureKind } from "@/lib/ingest/file-kinds";
import { IdleGapCharts } from "@/components/idle-gap-chart";
import { PathCharts } from "@/components/path-chart";

export async function IdleGapEvidence({ view }: { view: IncidentView }) {
  const timers = new Map(view.targets.map((t) => [t.target, t.profile?.cluster?.ms ?? null]));
  const gateway = view.diagnosis.hops.find((h) => h.name === "gateway")?.keepAliveMs ?? null;
  const charts = await idleGapCharts(app().db, view.id, {
    timerMs: (t) => timers.get(t) ?? null,
    gatewayKeepAliveMs: gateway,
  });
  // Failing targets first, in the verdict's order.
  const order = view.diagnosis.targets.map((t) => t.target);
  charts.sort((a, b) => rank(order, a.target) - rank(order, b.target));
  const hasCapture = view.files.some((f) => isCaptureKind(f.kind) && f.status === "done");
  return <IdleGapCharts charts={charts} hasCapture={hasCapture} />;
}

export async function PathEvidence({ view }: { view: IncidentView }) {
  const data = await failurePaths(app().db, view.id);
  return <PathCharts data={data} hasLog={view.summary.logCoverage !== "none"} />;
}

const rank = (order: string[], t: string) => (order.includes(t) ? order.indexOf(t) : order.length);

export function ChartSkeleton({ label }: { label: string }) {
  return <div className="skeleton chart-skeleton" aria-busy="true" aria-label={label} />;
}
