import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentPatch } from "@/lib/api/incident-schema";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer, requireIncidentRead } from "@/lib/auth/access";
import { deleteIncident } from "@/lib/incidents/delete";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function GET(_req: Request, { params }: Params) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const view = await getIncidentView(app().db, id);
    return view ? NextResponse.json(view) : apiError(404, "not_found", "No such incident.");
  } catch (e) {
    return handleApiError(e);
  }
}

export async function PATCH(req: Request, { params }: Params) {
  try {
    await requireEngineer();
    const { id } = await params;
    const patch = IncidentPatch.parse(await req.json());
    const { db } = app();
    const found = await db.incident.findUnique({ where: { id }, select: { id: true } });
    if (!found) return apiError(404, "not_found", "No such incident.");
    await db.incident.update({ where: { id }, data: { ...patch, ...(patch.title ? { titleEdited: true } : {}) } });
    return NextResponse.json(await getIncidentView(db, id));
  } catch (e) {
    return handleApiError(e);
  }
}

/** Deletes the incident, its rows and the stored files only it referenced: `{ deleted, files, blobsDeleted }`. */
export async function DELETE(_req: Request, { params }: Params) {
  try {
    await requireEngineer();
    const { id } = await params;
    const { db, store, env } = app();
    const done = await deleteIncident(db, store, env.dataDir, id);
    if (!done) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json({ deleted: id, ...done });
  } catch (e) {
    return handleApiError(e);
  }
}
