import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { BadCursor, listConnections } from "@/lib/incidents/connections";
import { ConnectionQuery } from "@/lib/api/connection-schema";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/**
 * `GET /api/incidents/{id}/connections?class=&target=&state=&sort=time|gap&pageSize=&cursor=`: one page; the answer's
 * `nextCursor` / `prevCursor` / `lastCursor` go into `cursor` for the next, previous and last page (no cursor: the
 * first). A cursor that does not decode, or of the other sort, answers 400 `bad_cursor`.
 */
export async function GET(req: Request, { params }: Params) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const sp = new URL(req.url).searchParams;
    const q = ConnectionQuery.parse(Object.fromEntries([...sp.entries()].filter(([, v]) => v !== "")));
    const { db } = app();
    const found = await db.incident.findUnique({ where: { id }, select: { id: true } });
    if (!found) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json(await listConnections(db, id, q));
  } catch (e) {
    if (e instanceof BadCursor) return apiError(400, "bad_cursor", e.message);
    return handleApiError(e);
  }
}
