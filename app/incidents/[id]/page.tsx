import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/analysis/incident-view";
import { IncidentLive } from "@/components/incident-live";
import { canDownload, canEdit, pageIncidentAccess } from "@/lib/auth/access";
import { SharePanel } from "@/components/share-panel";
import { getClockAlignment } from "@/lib/analysis/clock-offset";
import { compareCandidates } from "@/lib/export/compare-candidates";
import { ExportMenu } from "@/components/export-menu";
import { ComparePicker } from "@/components/compare-picker";
import { ClockPanel } from "@/components/clock-panel";

export const dynamic = "force-dynamic";

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageIncidentAccess(id);
  const view = await getIncidentView(app().db, id);
  if (!view) notFound();
  const conns = view.targets.reduce((n, t) => n + t.connections.total, 0);
  const [clock, others] = await Promise.all([getClockAlignment(app().db, id), canEdit(viewer) ? compareCandidates(app().db, id) : []]);
  return (
    <>
      <p data-testid="connections-link" style={{ margin: "0 0 .6rem" }}>
          <Link href={`/incidents/${view.id}/logs`}>Explore logs</Link>{" · "}
          <Link href={`/incidents/${view.id}/transactions`}>Transactions ({view.summary.transactions})</Link>{" · "}
          <Link href={`/incidents/${view.id}/connections`}>TCP connections{conns ? ` (${conns})` : ""}</Link>
          {conns > 0 && " · "}
          {conns > 0 && <Link href={`/incidents/${view.id}/connections?class=keepalive-race`}>keep-alive races ({view.targets.reduce((n, t) => n + (t.connections.byClass["keepalive-race"] ?? 0), 0)})</Link>}
        </p>
      <div style={{ display: "flex", gap: ".8rem", alignItems: "center", flexWrap: "wrap", margin: "0 0 .8rem" }}>
        <ExportMenu incidentId={view.id} title={view.title} />
        <ComparePicker current={view.id} others={others} />
      </div>
      {/* Remounted when the clock offset changes the matches, so the diagnosis shows the re-matched evidence. */}
      <IncidentLive key={`${clock?.appliedOffsetMs}:${clock?.matched}`} initial={view} readOnly={!canEdit(viewer)} canDownload={canDownload(viewer)} />
      {clock && <ClockPanel incidentId={view.id} initial={clock} readOnly={!canEdit(viewer)} />}
      {canEdit(viewer) && <SharePanel incidentId={view.id} />}
    </>
  );
}
