/** Incident.verdict: the verdict of the last finished analysis, kept for the incident search (lib/incidents/search.ts). */
import "server-only";
import type { Db } from "@/lib/db/client";
import { getIncidentView } from "@/lib/incidents/view";

/**
 * Computes the incident's verdict and stores it; null (stored as null) while a file is still queued or parsing.
 * Called when the last file of an incident is parsed and when its clock offset is set; the incident list fills
 * the incidents that finished before verdicts were stored this way (`backfillVerdicts`).
 */
export async function storeVerdict(db: Db, incidentId: string): Promise<string | null> {
  const view = await getIncidentView(db, incidentId);
  if (!view) return null;
  const verdict = view.pending || view.files.length === 0 ? null : view.diagnosis.verdict.cause;
  await db.incident.updateMany({ where: { id: incidentId }, data: { verdict } });
  return verdict;
}
