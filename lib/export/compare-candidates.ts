import "server-only";
import type { Db } from "@/lib/db/client";

export interface CompareCandidate {
  id: string;
  title: string;
  createdAt: string;
}

/** Incidents to pick the other side of a comparison from, newest first (no counts: this runs on every incident page). */
export async function compareCandidates(db: Db, excludeId?: string, limit = 200): Promise<CompareCandidate[]> {
  const rows = await db.incident.findMany({
    where: excludeId ? { id: { not: excludeId } } : {},
    select: { id: true, title: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.createdAt.toISOString() }));
}
