import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { listConnections } from "@/lib/analysis/connections-view";
import { ConnectionQuery } from "@/lib/api/connection-schema";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** `GET /api/incidents/{id}/connections?class=&target=&state=&sort=time|gap&page=&pageSize=` */
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
    return handleApiError(e);
  }
}
