import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { decodedSegment, route } from "@/lib/api/route";
import { canEdit } from "@/lib/auth/access";
import { getTransaction } from "@/lib/explore/transactions";

/** `GET /api/incidents/{id}/transactions/{correlationId}`: its rows, log lines, matched TCP connection (with ladder) and cause. */
export const GET = route({ access: "read", incident: true }, async ({ viewer, incident, params }) => {
  const { db, store } = app();
  const tx = await getTransaction(db, store, incident.id, decodedSegment(params.correlationId), {
    maskClientIds: !canEdit(viewer),
  });
  if (!tx) throw notFound("No such transaction in this incident.");
  return NextResponse.json(tx);
});
