import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { loadAnalysis } from "@/lib/export/load";
import { reportMarkdown } from "@/lib/export/markdown";
import { download } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/export/report.md`: the Markdown report for a ticket. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const { db, store } = app();
    const a = await loadAnalysis(db, store, id);
    if (!a) return apiError(404, "not_found", "No such incident.");
    return download(reportMarkdown(a, { origin: new URL(req.url).origin }), "md", a.incident, "report.md");
  } catch (e) {
    return handleApiError(e);
  }
}
