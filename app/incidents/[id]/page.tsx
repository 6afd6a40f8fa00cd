import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/analysis/incident-view";
import { IncidentLive } from "@/components/incident-live";

export const dynamic = "force-dynamic";

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const view = await getIncidentView(app().db, (await params).id);
  if (!view) notFound();
  return <IncidentLive initial={view} />;
}
