import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";
import { lineFacets } from "@/lib/explore/query";

export const dynamic = "force-dynamic";

/** `GET /api/incidents/{id}/lines/facets`: the values the explorer's filters can take. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const { db, store } = app();
    if (!(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json(await lineFacets(db, store, id));
  } catch (e) {
    return handleApiError(e);
  }
}
