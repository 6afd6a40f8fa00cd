import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { loadAnalysis } from "@/lib/export/load";
import { download } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/export/analysis.json`: the whole analysis (schema: GET /api/schema/analysis.json). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const { db, store } = app();
    const a = await loadAnalysis(db, store, id);
    if (!a) return apiError(404, "not_found", "No such incident.");
    return download(JSON.stringify(a, null, 2), "json", a.incident, "analysis.json");
  } catch (e) {
    return handleApiError(e);
  }
}
