import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { loadAnalysis } from "@/lib/export/load";
import { reportMarkdown } from "@/lib/export/markdown";
import { download } from "@/lib/export/http";
import { requestOrigin } from "@/lib/auth/origin";

export const dynamic = "force-dynamic";

/**
 * `GET /api/incidents/{id}/export/report.md`: the Markdown report for a ticket. Its dashboard link names
 * PUBLIC_ORIGIN or the host the request was allowed for, never Next's own bind address (req.url).
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const { db, store } = app();
    const a = await loadAnalysis(db, store, id);
    if (!a) return apiError(404, "not_found", "No such incident.");
    return download(reportMarkdown(a, { origin: requestOrigin(req) }), "md", a.incident, "report.md");
  } catch (e) {
    return handleApiError(e);
  }
}
