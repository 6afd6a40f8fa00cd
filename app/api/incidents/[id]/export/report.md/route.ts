import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { loadAnalysis } from "@/lib/export/load";
import { reportMarkdown } from "@/lib/export/markdown";
import { download } from "@/lib/export/http";
import { requestOrigin } from "@/lib/auth/origin";

/**
 * `GET /api/incidents/{id}/export/report.md`: the Markdown report for a ticket. Its dashboard link names
 * PUBLIC_ORIGIN or the host the request was allowed for, never Next's own bind address (req.url).
 */
export const GET = route({ access: "read", incident: true }, async ({ req, incident }) => {
  const { db, store } = app();
  const a = await loadAnalysis(db, store, incident.id);
  if (!a) throw notFound();
  return download(reportMarkdown(a, { origin: requestOrigin(req) }), "md", a.incident, "report.md");
});
