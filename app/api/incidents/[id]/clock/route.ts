import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getClockAlignment, setClockOffset } from "@/lib/incidents/clock";
import { ClockPatch } from "@/lib/api/clock-schema";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";

/** `GET /api/incidents/{id}/clock`: detected and applied log−capture clock offset, and the 502s it matches. */
export const GET = route({ access: "read", incident: true }, async ({ incident }) => {
  const a = await getClockAlignment(app().db, incident.id);
  if (!a) throw notFound();
  return NextResponse.json(a);
});

/** `PATCH /api/incidents/{id}/clock` `{ offsetMs: number | null }`: sets (null: resets) the offset and re-matches. */
export const PATCH = route({ access: "edit", incident: true, body: ClockPatch }, async ({ incident, body }) => {
  const a = await setClockOffset(app().db, incident.id, body.offsetMs); // re-matches and stores the verdict that follows
  if (!a) throw notFound();
  return NextResponse.json(a);
});
