import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { canEdit } from "@/lib/auth/access";
import { lineContext } from "@/lib/explore/context";
import { ContextQuery } from "@/lib/explore/schema";

/** `GET /api/incidents/{id}/lines/context?file=&line=&around=`: the physical lines around one line of a stored log. */
export const GET = route(
  { access: "read", incident: true, query: ContextQuery },
  async ({ viewer, incident, query: q }) => {
    const { db, store } = app();
    const ctx = await lineContext(db, store, incident.id, q, {
      maskClientIds: !canEdit(viewer),
    });
    if (!ctx) throw notFound("No such log file in this incident (or it has no line index).");
    return NextResponse.json(ctx);
  },
);
