import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { saveAnswers } from "@/lib/incidents/answers";
import { AnswersPut } from "@/lib/api/diagnosis-schema";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";

/**
 * Saves what a person answered in the guided flow (timeouts in ms; null clears an answer)
 * and answers the updated incident view, verdict included.
 */
export const PUT = route({ access: "edit", incident: true, body: AnswersPut }, async ({ incident, body }) => {
  const view = await saveAnswers(app().db, incident.id, body);
  if (!view) throw notFound();
  return NextResponse.json(view);
});
