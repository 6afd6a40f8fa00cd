import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { saveAnswers } from "@/lib/analysis/diagnosis/answers";
import { AnswersPut } from "@/lib/api/diagnosis-schema";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/**
 * Saves what a person answered in the guided flow (timeouts in ms; null clears an answer)
 * and answers the updated incident view, verdict included.
 */
export async function PUT(req: Request, { params }: Params) {
  try {
    await requireEngineer();
    const { id } = await params;
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return apiError(400, "invalid_json", "The request body is not JSON.");
    }
    const view = await saveAnswers(app().db, id, AnswersPut.parse(body));
    if (!view) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json(view);
  } catch (e) {
    return handleApiError(e);
  }
}
