import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { canEdit, requireIncidentRead } from "@/lib/auth/access";
import { lineContext } from "@/lib/explore/context";
import { ContextQuery } from "@/lib/explore/schema";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/lines/context?file=&line=&around=`: the physical lines around one line of a stored log. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const viewer = await requireIncidentRead(id);
    const q = ContextQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    const { db, store } = app();
    const ctx = await lineContext(db, store, id, q.file, q.line, q.around, { maskClientIds: !canEdit(viewer) });
    if (!ctx) return apiError(404, "not_found", "No such log file in this incident (or it has no line index).");
    return NextResponse.json(ctx);
  } catch (e) {
    return handleApiError(e);
  }
}
