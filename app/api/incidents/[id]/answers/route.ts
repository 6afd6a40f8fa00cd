import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/analysis/incident-view";
import { parseAnswers } from "@/lib/analysis/diagnosis/load";
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
    const put = AnswersPut.parse(body);
    const { db } = app();
    const found = await db.incident.findUnique({ where: { id }, select: { answers: true } });
    if (!found) return apiError(404, "not_found", "No such incident.");
    const merged: Record<string, unknown> = { ...parseAnswers(found.answers) };
    for (const [k, v] of Object.entries(put)) {
      if (v === null) delete merged[k];
      else if (v !== undefined) merged[k] = v;
    }
    await db.incident.update({ where: { id }, data: { answers: merged as object } });
    const view = await getIncidentView(db, id);
    // Answers can change the verdict; keep the stored one (incident search) in step.
    if (view && !view.pending) await db.incident.update({ where: { id }, data: { verdict: view.diagnosis.verdict.cause } });
    return NextResponse.json(view);
  } catch (e) {
    return handleApiError(e);
  }
}
