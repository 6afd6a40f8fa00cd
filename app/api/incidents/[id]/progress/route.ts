import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getIncidentProgress } from "@/lib/incidents/view";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireIncidentRead } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

/** What the incident page polls while files parse: one small query, `{ pending, files: [{ id, status, bytesDone, size }] }`. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    await requireIncidentRead(id);
    const progress = await getIncidentProgress(app().db, id);
    return progress ? NextResponse.json(progress) : apiError(404, "not_found", "No such incident.");
  } catch (e) {
    return handleApiError(e);
  }
}
