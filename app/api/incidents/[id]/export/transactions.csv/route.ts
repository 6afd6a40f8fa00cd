import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { transactionsCsvStream } from "@/lib/export/transactions";
import { download } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/export/transactions.csv`: every transaction, streamed a page at a time. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const { db } = app();
    const incident = await db.incident.findUnique({ where: { id }, select: { id: true, title: true } });
    if (!incident) return apiError(404, "not_found", "No such incident.");
    return download(transactionsCsvStream(db, id), "csv", incident, "transactions.csv");
  } catch (e) {
    return handleApiError(e);
  }
}
