/** Incident search and list: filters on title, time, verdict and cause, paged by cursor. */
import "server-only";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db/client";
import { listItem, type ListItemSql } from "@/lib/incidents/view";
import type { IncidentListItem } from "@/lib/api/incident-schema";
import { storeVerdict } from "@/lib/incidents/verdict";
import { INCIDENT_CAUSES } from "@/lib/api/diagnosis-schema";

/** Search form / query string of the incident list; empty fields are dropped before parsing. */
export const IncidentSearch = z.object({
  q: z.string().trim().max(200).optional(),
  org: z.string().trim().max(200).optional(),
  env: z.string().trim().max(200).optional(),
  target: z.string().trim().max(300).optional(),
  verdict: z.enum(INCIDENT_CAUSES).optional(),
  /** Incidents whose time range (upload time when no log was parsed) touches [from, to], dates `YYYY-MM-DD` (UTC). */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type IncidentSearch = z.infer<typeof IncidentSearch>;

export function parseIncidentSearch(raw: Record<string, string | string[] | undefined>): {
  search: IncidentSearch;
  error: string | null;
} {
  const flat = Object.fromEntries(
    Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" && v.trim() !== "" ? [[k, v]] : [])),
  );
  const r = IncidentSearch.safeParse(flat);
  if (r.success) return { search: r.data, error: null };
  return { search: {}, error: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

/** A row of the searched list: the plain list's item with what the search filters on. */
export interface IncidentRow extends IncidentListItem {
  org: string | null;
  env: string | null;
  verdict: string | null;
  /** A person typed answers in the guided flow: the list marks the verdict as resting partly on them. */
  answered: boolean;
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const DAY_MS = 86_400_000;

/**
 * Stores the verdict of finished incidents that do not have one yet (parsed before the worker stored it when the
 * last file finished: lib/ingest/run-file-job.ts), a few per call so the list stays fast; the verdict filter then sees them.
 */
export async function backfillVerdicts(db: Db, limit = 10): Promise<number> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT i.id FROM "Incident" i
    WHERE i.verdict IS NULL
      AND EXISTS (SELECT 1 FROM "BundleFile" f WHERE f."incidentId" = i.id)
      AND NOT EXISTS (SELECT 1 FROM "BundleFile" f WHERE f."incidentId" = i.id AND f.status IN ('queued', 'parsing'))
    ORDER BY i."createdAt" DESC LIMIT ${limit}`;
  for (const { id } of rows) await storeVerdict(db, id);
  return rows.length;
}

export async function searchIncidents(db: Db, s: IncidentSearch, limit = 500): Promise<IncidentRow[]> {
  await backfillVerdicts(db);
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (s.q) where.push(Prisma.sql`i.title ILIKE ${like(s.q)}`);
  if (s.org) where.push(Prisma.sql`i.org ILIKE ${like(s.org)}`);
  if (s.env) where.push(Prisma.sql`i.env ILIKE ${like(s.env)}`);
  if (s.verdict) where.push(Prisma.sql`i.verdict = ${s.verdict}`);
  if (s.target) {
    const t = like(s.target);
    where.push(Prisma.sql`(EXISTS (SELECT 1 FROM "LogTransaction" t WHERE t."incidentId" = i.id AND t.target ILIKE ${t})
      OR EXISTS (SELECT 1 FROM "TcpConnection" c WHERE c."incidentId" = i.id AND c.target ILIKE ${t}))`);
  }
  if (s.from) where.push(Prisma.sql`coalesce(i."lastTs", i."createdAt") >= ${new Date(`${s.from}T00:00:00Z`)}`);
  if (s.to)
    where.push(
      Prisma.sql`coalesce(i."firstTs", i."createdAt") < ${new Date(Date.parse(`${s.to}T00:00:00Z`) + DAY_MS)}`,
    );
  const rows = await db.$queryRaw<
    Array<ListItemSql & { org: string | null; env: string | null; verdict: string | null; answered: boolean }>
  >`
    SELECT i.id, i.title, i.org, i.env, i.verdict, i.answers <> '{}'::jsonb answered, i."createdAt", i."firstTs", i."lastTs",
      (SELECT count(*) FROM "LogTransaction" t WHERE t."incidentId" = i.id AND t.status = 502) s502,
      (SELECT count(*) FROM "BundleFile" f WHERE f."incidentId" = i.id) files,
      (SELECT count(*) FROM "BundleFile" f WHERE f."incidentId" = i.id AND f.status IN ('queued', 'parsing')) pending
    FROM "Incident" i WHERE ${Prisma.join(where, " AND ")}
    ORDER BY i."createdAt" DESC LIMIT ${limit}`;
  return rows.map((r) => ({ ...listItem(r), org: r.org, env: r.env, verdict: r.verdict, answered: r.answered }));
}
