import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { canEdit, requireIncidentRead } from "@/lib/auth/access";
import { queryLines } from "@/lib/explore/query";
import { LineQuery, queryInput } from "@/lib/explore/schema";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/**
 * `GET /api/incidents/{id}/lines?level=&kind=&status=&errCode=&target=&proxy=&component=&pid=&correlationId=&file=&from=&to=&q=&cursor=&limit=`
 * Every parsed log line, filtered; `q` (free text) scans candidates in order and may stop early: continue from `nextCursor`.
 */
export async function GET(req: Request, { params }: Params) {
  try {
    const { id } = await params;
    const viewer = await requireIncidentRead(id);
    const q = LineQuery.parse(queryInput(new URL(req.url).searchParams));
    const { db, store } = app();
    if (!(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json(await queryLines(db, store, id, q, { maskClientIds: !canEdit(viewer) }));
  } catch (e) {
    return handleApiError(e);
  }
}
