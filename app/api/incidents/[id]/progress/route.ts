import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getIncidentProgress } from "@/lib/incidents/view";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";

/** What the incident page polls while files parse: one small query, `{ pending, files: [{ id, status, bytesDone, size }] }`. */
export const GET = route({ access: "read" }, async ({ params }) => {
  const progress = await getIncidentProgress(app().db, params.id);
  if (!progress) throw notFound();
  return NextResponse.json(progress);
});
