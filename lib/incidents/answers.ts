import "server-only";
import type { Db } from "@/lib/db/client";
import type { AnswersPut } from "@/lib/api/diagnosis-schema";
import type { IncidentView } from "@/lib/api/incident-schema";
import { getIncidentView } from "./view";
import { storeVerdict } from "./verdict";
import { parseAnswers } from "@/lib/analysis/diagnosis/load";

/**
 * Merges what a person answered in the guided flow into the saved answers (null clears one) and keeps the
 * stored verdict (incident search) in step; answers the updated view, or null when there is no such incident.
 */
export async function saveAnswers(db: Db, incidentId: string, put: AnswersPut): Promise<IncidentView | null> {
  const found = await db.incident.findUnique({ where: { id: incidentId }, select: { answers: true } });
  if (!found) return null;
  const merged: Record<string, unknown> = { ...parseAnswers(found.answers) };
  for (const [k, v] of Object.entries(put)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = v;
  }
  await db.incident.update({ where: { id: incidentId }, data: { answers: merged as object } });
  await storeVerdict(db, incidentId);
  return getIncidentView(db, incidentId);
}
