import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { loadAnalysis } from "@/lib/export/load";
import { download } from "@/lib/export/http";

/** `GET /api/incidents/{id}/export/analysis.json`: the whole analysis (schema: GET /api/schema/analysis.json). */
export const GET = route({ access: "read", incident: true }, async ({ incident }) => {
  const { db, store } = app();
  const a = await loadAnalysis(db, store, incident.id);
  if (!a) throw notFound();
  return download(JSON.stringify(a, null, 2), "json", a.incident, "analysis.json");
});
