import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { getIncidentView } from "@/lib/incidents/view";
import { targetsCsv } from "@/lib/export/tables";
import { download } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/export/targets.csv`: 502 rate and connection facts per target. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const view = await getIncidentView(app().db, id);
    if (!view) return apiError(404, "not_found", "No such incident.");
    return download(targetsCsv(view), "csv", view, "targets.csv");
  } catch (e) {
    return handleApiError(e);
  }
}
