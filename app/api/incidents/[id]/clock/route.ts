import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getClockAlignment, setClockOffset } from "@/lib/incidents/clock";
import { ClockPatch } from "@/lib/api/clock-schema";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer, requireIncidentRead } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** `GET /api/incidents/{id}/clock`: detected and applied log−capture clock offset, and the 502s it matches. */
export async function GET(_req: Request, { params }: Params) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const a = await getClockAlignment(app().db, id);
    return a ? NextResponse.json(a) : apiError(404, "not_found", "No such incident.");
  } catch (e) {
    return handleApiError(e);
  }
}

/** `PATCH /api/incidents/{id}/clock` `{ offsetMs: number | null }`: sets (null: resets) the offset and re-matches. */
export async function PATCH(req: Request, { params }: Params) {
  try {
    const { id } = await params;
    await requireEngineer();
    await requireIncidentRead(id);
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return apiError(400, "invalid_json", "The request body is not JSON.");
    }
    const { offsetMs } = ClockPatch.parse(body);
    const a = await setClockOffset(app().db, id, offsetMs); // re-matches and stores the verdict that follows
    return a ? NextResponse.json(a) : apiError(404, "not_found", "No such incident.");
  } catch (e) {
    return handleApiError(e);
  }
}
