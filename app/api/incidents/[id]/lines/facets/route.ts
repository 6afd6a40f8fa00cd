import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { lineFacets } from "@/lib/explore/query";

/** `GET /api/incidents/{id}/lines/facets`: the values the explorer's filters can take. */
export const GET = route({ access: "read", incident: true }, async ({ incident }) => {
  const { db, store } = app();
  return NextResponse.json(await lineFacets(db, store, incident.id));
});
