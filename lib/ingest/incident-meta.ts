import "server-only";
import type { Db } from "@/lib/db/client";
import { readFileCounts } from "@/lib/api/file-counts";
import type { FileStatus } from "./file-kinds";

const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * Org, env and time range from the parsed files; the default title unless a person renamed it. Call it inside the
 * transaction that changes a file's status: the incident's lock, taken first, makes two files finishing together
 * refresh one after the other, the second reading the first's committed status (without it each read only its own
 * file as done, and the last write lost the other's time range).
 */
export async function refreshIncidentMeta(db: Db, incidentId: string): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`incident-meta:${incidentId}`}))`;
  const incident = await db.incident.findUnique({ where: { id: incidentId } });
  if (!incident) return;
  const files = await db.bundleFile.findMany({
    where: { incidentId, status: "done" satisfies FileStatus },
    select: { counts: true, kind: true },
  });
  let org: string | null = null;
  let env: string | null = null;
  let first = Infinity;
  let last = -Infinity;
  for (const f of files) {
    const c = readFileCounts(f.counts);
    org ??= c.org || null;
    env ??= c.env || null;
    if (c.firstTs) first = Math.min(first, c.firstTs);
    if (c.lastTs) last = Math.max(last, c.lastTs);
  }
  const hasRange = Number.isFinite(first);
  const where = org || env ? `${org ?? "?"}/${env ?? "?"}` : "Gateway bundle";
  const title = hasRange ? `${where} · ${fmt(first)} – ${fmt(last)} UTC` : where;
  await db.incident.update({
    where: { id: incidentId },
    data: {
      org,
      env,
      firstTs: hasRange ? new Date(first) : null,
      lastTs: hasRange ? new Date(last) : null,
      ...(incident.titleEdited ? {} : { title }),
    },
  });
}
