import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentLive } from "@/components/incident-live";
import { canDownload, canEdit, pageIncidentAccess } from "@/lib/auth/access";
import { SharePanel } from "@/components/share-panel";
import { getClockAlignment } from "@/lib/incidents/clock";
import { compareCandidates } from "@/lib/export/compare-candidates";
import { ExportMenu } from "@/components/export-menu";
import { ComparePicker } from "@/components/compare-picker";
import { ClockPanel } from "@/components/clock-panel";
import { ChartSkeleton, IdleGapEvidence, PathEvidence } from "./evidence";

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageIncidentAccess(id);
  const view = await getIncidentView(app().db, id);
  if (!view) notFound();
  const conns = view.targets.reduce((n, t) => n + t.connections.total, 0);
  const [clock, others] = await Promise.all([
    getClockAlignment(app().db, id),
    canEdit(viewer) ? compareCandidates(app().db, id) : [],
  ]);
  const toolbar = (
    <nav className="toolbar" aria-label="Incident tools" data-testid="connections-link">
      <span className="links">
        <Link href={`/incidents/${view.id}/logs`}>Explore logs</Link>
        {" · "}
        <Link href={`/incidents/${view.id}/transactions`}>Transactions ({view.summary.transactions})</Link>
        {" · "}
        <Link href={`/incidents/${view.id}/connections`}>TCP connections{conns ? ` (${conns})` : ""}</Link>
        {conns > 0 && " · "}
        {conns > 0 && (
          <Link href={`/incidents/${view.id}/connections?class=keepalive-race`}>
            keep-alive races ({view.targets.reduce((n, t) => n + (t.connections.byClass["keepalive-race"] ?? 0), 0)})
          </Link>
        )}
      </span>
      <span className="actions">
        <ExportMenu incidentId={view.id} title={view.title} />
        <ComparePicker current={view.id} others={others} />
      </span>
    </nav>
  );
  // Each chart reads its own aggregate and streams in on its own; none is rendered while files are parsing.
  const evidence = view.pending ? null : (
    <section className="panel" aria-labelledby="evidence-h" data-testid="evidence">
      <h2 id="evidence-h">Evidence</h2>
      <div className="evidence-cols">
        <div>
          <h3>When the target closes: last byte → close</h3>
          <Suspense fallback={<ChartSkeleton label="Loading the idle-gap charts" />}>
            <IdleGapEvidence view={view} />
          </Suspense>
        </div>
        <div>
          <h3>502s by request path</h3>
          <Suspense fallback={<ChartSkeleton label="Loading the failures by path" />}>
            <PathEvidence view={view} />
          </Suspense>
        </div>
      </div>
    </section>
  );
  return (
    <>
      {/* Remounted when the clock offset changes the matches, so the diagnosis shows the re-matched evidence. */}
      <IncidentLive
        key={`${clock?.appliedOffsetMs}:${clock?.matched}`}
        initial={view}
        readOnly={!canEdit(viewer)}
        canDownload={canDownload(viewer)}
        toolbar={toolbar}
        evidence={evidence}
      />
      {clock && <ClockPanel incidentId={view.id} initial={clock} readOnly={!canEdit(viewer)} />}
      {canEdit(viewer) && <SharePanel incidentId={view.id} />}
    </>
  );
}
