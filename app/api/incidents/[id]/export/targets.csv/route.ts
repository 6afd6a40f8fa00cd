import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { getIncidentView } from "@/lib/incidents/view";
import { targetsCsv } from "@/lib/export/tables";
import { download } from "@/lib/export/http";

/** `GET /api/incidents/{id}/export/targets.csv`: 502 rate and connection facts per target. */
export const GET = route({ access: "read", incident: true }, async ({ incident }) => {
  const view = await getIncidentView(app().db, incident.id);
  if (!view) throw notFound();
  return download(targetsCsv(view), "csv", view, "targets.csv");
});
