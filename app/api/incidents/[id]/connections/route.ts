import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { listConnections } from "@/lib/incidents/connections";
import { ConnectionQuery } from "@/lib/api/connection-schema";
import { route } from "@/lib/api/route";

/**
 * `GET /api/incidents/{id}/connections?class=&target=&state=&sort=time|gap&pageSize=&cursor=`: one page; the answer's
 * `nextCursor` / `prevCursor` / `lastCursor` go into `cursor` for the next, previous and last page (no cursor: the
 * first). A cursor that does not decode, or of the other sort, answers 400 `bad_cursor` (BadCursor).
 */
export const GET = route({ access: "read", incident: true, query: ConnectionQuery }, async ({ incident, query }) =>
  NextResponse.json(await listConnections(app().db, app().store, incident.id, query)),
);
