import type { Db } from "@/lib/db/client";

export interface ClaimedJob {
  id: bigint;
  incidentId: string;
  fileId: string;
  attempts: number;
}

/** A job that has crashed its worker this many times is failed instead of retried. */
export const MAX_ATTEMPTS = 2;
const STALE_LOCK = "10 minutes";

/** Claims the oldest runnable job; safe with several worker processes on PostgreSQL. */
export async function claimJob(db: Db, workerId: string): Promise<ClaimedJob | null> {
  const rows = await db.$queryRaw<ClaimedJob[]>`
    UPDATE "ParseJob" SET status = 'running', attempts = attempts + 1, "lockedAt" = now(), "lockedBy" = ${workerId}, "updatedAt" = now()
    WHERE id = (
      SELECT id FROM "ParseJob"
      WHERE status = 'queued' OR (status = 'running' AND "lockedAt" < now() - ${STALE_LOCK}::interval)
      ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING id, "incidentId", "fileId", attempts`;
  return rows[0] ?? null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** At start-up: jobs held by a dead process of this host (killed mid-parse) are runnable again. */
export async function requeueOrphans(db: Db, host: string): Promise<number> {
  const running = await db.parseJob.findMany({ where: { status: "running", lockedBy: { startsWith: `${host}:` } }, select: { id: true, lockedBy: true } });
  const dead = running.filter((j) => {
    const pid = Number(j.lockedBy?.slice(host.length + 1));
    return pid !== process.pid && !isAlive(pid);
  });
  if (dead.length === 0) return 0;
  const { count } = await db.parseJob.updateMany({ where: { id: { in: dead.map((j) => j.id) }, status: "running" }, data: { status: "queued", lockedBy: null } });
  return count;
}

export async function finishJob(db: Db, id: bigint, error?: string): Promise<void> {
  await db.parseJob.update({ where: { id }, data: { status: error ? "failed" : "done", error: error ?? null, lockedBy: null } });
}

export async function enqueue(db: Db, incidentId: string, fileIds: string[]): Promise<void> {
  if (fileIds.length) await db.parseJob.createMany({ data: fileIds.map((fileId) => ({ incidentId, fileId })) });
}
