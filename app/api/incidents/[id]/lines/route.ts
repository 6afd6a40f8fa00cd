import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { canEdit } from "@/lib/auth/access";
import { queryLines } from "@/lib/explore/query";
import { LineQuery } from "@/lib/explore/schema";

/**
 * `GET /api/incidents/{id}/lines?level=&kind=&status=&errCode=&target=&proxy=&component=&pid=&correlationId=&file=&from=&to=&q=&cursor=&limit=`
 * Every parsed log line, filtered; `q` (free text) scans candidates in order and may stop early: continue from `nextCursor`.
 */
export const GET = route({ access: "read", incident: true, query: LineQuery }, async ({ viewer, incident, query }) => {
  const { db, store } = app();
  return NextResponse.json(await queryLines(db, store, incident.id, query, { maskClientIds: !canEdit(viewer) }));
});
