import "server-only";
import type { Db } from "@/lib/db/client";
import type { FileStatus } from "@/lib/ingest/file-kinds";
import type { JobStatus } from "./job-status";

export interface ClaimedJob {
  id: bigint;
  incidentId: string;
  fileId: string;
  /** Including this one: above 1 means an earlier attempt was interrupted (crash, kill, lost lock). */
  attempts: number;
}

/** A job that has crashed its worker this many times is failed instead of retried. */
export const MAX_ATTEMPTS = 2;
/** A running job's lock is refreshed this often; a lock older than STALE_LOCK belongs to a dead worker. */
export const HEARTBEAT_MS = 30_000;
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

/** Keeps a long job's lock fresh so no other worker takes it over as stale while it still runs. */
export async function heartbeat(db: Db, id: bigint, workerId: string): Promise<void> {
  await db.parseJob.updateMany({
    where: { id, lockedBy: workerId, status: "running" satisfies JobStatus },
    data: { lockedAt: new Date() },
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `host:pid:boot`: the boot nonce tells this process from an earlier one that had the same pid (containers reuse pids). */
export function workerIdOf(host: string, pid: number, boot: string): string {
  return `${host}:${pid}:${boot}`;
}

/** At start-up: jobs held by a dead process of this host (killed mid-parse) are runnable again. */
export async function requeueOrphans(db: Db, host: string, self: string): Promise<number> {
  const running = await db.parseJob.findMany({
    where: { status: "running" satisfies JobStatus, lockedBy: { startsWith: `${host}:` } },
    select: { id: true, lockedBy: true },
  });
  const dead = running.filter((j) => {
    if (j.lockedBy === self) return false;
    const pid = Number(j.lockedBy?.slice(host.length + 1).split(":")[0]);
    return pid === process.pid || !isAlive(pid);
  });
  if (dead.length === 0) return 0;
  const { count } = await db.parseJob.updateMany({
    where: { id: { in: dead.map((j) => j.id) }, status: "running" satisfies JobStatus },
    data: { status: "queued" satisfies JobStatus, lockedBy: null },
  });
  return count;
}

export async function finishJob(db: Db, id: bigint, error?: string): Promise<void> {
  await db.parseJob.update({
    where: { id },
    data: { status: (error ? "failed" : "done") satisfies JobStatus, error: error ?? null, lockedBy: null },
  });
}

/**
 * Puts a job this worker holds back in the queue (its file back to `queued`). `refund`: the attempt is given back,
 * for a job the database failed under (an outage is not the file's fault; see lib/jobs/worker.ts).
 */
export async function requeueJob(
  db: Db,
  job: { id: bigint; fileId: string },
  workerId: string,
  refund: boolean,
): Promise<void> {
  await db.$transaction([
    db.parseJob.updateMany({
      where: { id: job.id, lockedBy: workerId, status: "running" satisfies JobStatus },
      data: {
        status: "queued" satisfies JobStatus,
        lockedBy: null,
        lockedAt: null,
        ...(refund ? { attempts: { decrement: 1 } } : {}),
      },
    }),
    db.bundleFile.updateMany({
      where: { id: job.fileId, status: "parsing" satisfies FileStatus },
      data: { status: "queued" satisfies FileStatus },
    }),
  ]);
}
