import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { canEdit, requireIncidentRead } from "@/lib/auth/access";
import { getTransaction } from "@/lib/explore/transactions";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/transactions/{correlationId}`: its rows, log lines, matched TCP connection (with ladder) and cause. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string; correlationId: string }> }) {
  try {
    const { id, correlationId } = await params;
    const viewer = await requireIncidentRead(id);
    const { db, store } = app();
    let cid = correlationId;
    try {
      cid = decodeURIComponent(correlationId);
    } catch {}
    const tx = await getTransaction(db, store, id, cid, { maskClientIds: !canEdit(viewer) });
    if (!tx) return apiError(404, "not_found", "No such transaction in this incident.");
    return NextResponse.json(tx);
  } catch (e) {
    return handleApiError(e);
  }
}
