import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentPatch } from "@/lib/api/incident-schema";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { deleteIncident } from "@/lib/incidents/delete";

// No `incident: true` on GET and DELETE: their one query already answers "no such incident" (null).
export const GET = route({ access: "read" }, async ({ params }) => {
  const view = await getIncidentView(app().db, params.id);
  if (!view) throw notFound();
  return NextResponse.json(view);
});

export const PATCH = route({ access: "edit", incident: true, body: IncidentPatch }, async ({ incident, body }) => {
  const { db } = app();
  await db.incident.update({
    where: { id: incident.id },
    data: { ...body, ...(body.title ? { titleEdited: true } : {}) },
  });
  return NextResponse.json(await getIncidentView(db, incident.id));
});

/** Deletes the incident, its rows and the stored files only it referenced: `{ deleted, files, blobsDeleted }`. */
export const DELETE = route({ access: "edit" }, async ({ params }) => {
  const { env, db, store } = app();
  const done = await deleteIncident(db, store, env.dataDir, params.id);
  if (!done) throw notFound();
  return NextResponse.json({ deleted: params.id, ...done });
});
