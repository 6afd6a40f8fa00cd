import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Db } from "@/lib/db/client";
import { blobStore } from "@/lib/ingest/bundle";
import { resolveLimits, type IngestLimits } from "@/lib/ingest/limits";
import { failFileJob, runFileJob } from "@/lib/ingest/run-file-job";
import { removeSidecars } from "@/lib/incidents/delete";
import { STALE_TEMP_MS, sweepStaleTemporaries } from "@/lib/ingest/sweep-temp";
import type { JobStatus } from "./job-status";
import {
  claimJob,
  finishJob,
  heartbeat,
  HEARTBEAT_MS,
  MAX_ATTEMPTS,
  requeueJob,
  requeueOrphans,
  workerIdOf,
  type ClaimedJob,
} from "./queue";

export interface WorkerOptions {
  db: Db;
  dataDir: string;
  /** Parse jobs run at once by this process (PARSE_CONCURRENCY). */
  concurrency: number;
  pollMs?: number;
  /** Temporary files older than this, left by a killed process, are swept at start (default an hour: lib/ingest/sweep-temp.ts). */
  staleTempMs?: number;
  /** Overrides of the ingest limits (lib/ingest/limits.ts), e.g. the parse thread's heap. */
  limits?: Partial<IngestLimits>;
}

export interface RunningWorker {
  stop(): Promise<void>;
  /** Resolves when no job is queued or running in this worker. */
  idle(): Promise<void>;
}

export const crashReason = (attempts: number) =>
  `The parser stopped ${attempts} times on this file (the server crashed or was killed while parsing it); marked failed so the rest of the bundle can finish.`;

/**
 * Runs parse jobs, at most `concurrency` at once. A retried job (an earlier attempt was interrupted)
 * runs alone in this process, so a file that kills the process only ever costs itself its attempts,
 * never the innocent files that happened to be parsed beside it.
 */
export function startWorker(opts: WorkerOptions): RunningWorker {
  const host = os.hostname();
  const workerId = workerIdOf(host, process.pid, randomBytes(4).toString("hex"));
  const store = blobStore(opts.dataDir);
  const limits = resolveLimits(opts.limits);
  const pollMs = opts.pollMs ?? 500;
  let stopping = false;
  let active = 0;
  let wake: (() => void) | null = null;
  const idleWaiters: Array<() => void> = [];
  // Claims are made one at a time; `alone` is set while a retried job waits for, or holds, the whole process.
  let claiming: Promise<unknown> = Promise.resolve();
  let alone: { done: Promise<void>; release(): void } | null = null;
  const drained: Array<() => void> = [];

  const checkIdle = async () => {
    if (active > 0 || idleWaiters.length === 0) return;
    const pending = await opts.db.parseJob.count({
      where: { status: { in: ["queued", "running"] satisfies JobStatus[] } },
    });
    if (pending === 0 && active === 0) idleWaiters.splice(0).forEach((r) => r());
  };

  const claim = (): Promise<ClaimedJob | null> => {
    const turn = claiming.then(async () => {
      while (alone) await alone.done;
      if (stopping) return null;
      const job = await claimJob(opts.db, workerId);
      if (job && job.attempts > 1) {
        let release!: () => void;
        const done = new Promise<void>((r) => (release = r));
        alone = { done, release };
      }
      return job;
    });
    claiming = turn.catch(() => undefined);
    return turn;
  };

  const run = async (job: ClaimedJob) => {
    try {
      await runOrFail(job);
    } catch (e) {
      // Its incident deleted meanwhile (the job's row went with it): the writes failed for that, nothing to retry.
      const gone = await opts.db.parseJob.count({ where: { id: job.id } }).then(
        (n) => n === 0,
        () => false,
      );
      if (gone) {
        // The thread may have written on after the delete removed the file's sidecars (a capture's exchanges).
        await removeSidecars(opts.dataDir, [job.fileId]);
        return console.log(`[worker] job ${job.id} (${job.fileId}) stopped: its incident was deleted`);
      }
      // Parsers never throw for bad input: this is the database failing under the job (an outage), so its result
      // could not be written. Left alone, the file would show `parsing` until the lock went stale (10 minutes);
      // instead the job goes back to the queue as soon as the database answers again.
      console.error(
        `[worker] job ${job.id} (${job.fileId}) interrupted by a database error; queued again once the database answers:`,
        e,
      );
      await requeueWhenDatabaseAnswers(job);
    }
  };

  const requeueWhenDatabaseAnswers = async (job: ClaimedJob) => {
    let wait = 250;
    let outage = false;
    while (!stopping) {
      try {
        await opts.db.$queryRaw`SELECT 1`;
        // A database that was down cost the job nothing; one that answered at once did not cause the failure,
        // so the attempt counts (MAX_ATTEMPTS then ends a job that keeps failing).
        await requeueJob(opts.db, job, workerId, outage);
        return;
      } catch {
        outage = true;
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5_000);
      }
    }
  };

  const runOrFail = async (job: ClaimedJob) => {
    // Killed after its file's final write but before the job's own: the file is finished, and parsing it again
    // would take its rows away for a while from a bundle that already shows as parsed.
    if (job.attempts > 1) {
      const file = await opts.db.bundleFile.findUnique({
        where: { id: job.fileId },
        select: { status: true, error: true },
      });
      if (file?.status === "done" || file?.status === "failed") {
        await finishJob(opts.db, job.id, file.status === "failed" ? (file.error ?? "failed") : undefined);
        return;
      }
    }
    if (job.attempts > MAX_ATTEMPTS) {
      const reason = crashReason(job.attempts - 1);
      await failFileJob(opts.db, job.incidentId, job.fileId, reason);
      await finishJob(opts.db, job.id, reason);
      return;
    }
    const error = await runFileJob({ db: opts.db, store, limits, incidentId: job.incidentId, fileId: job.fileId });
    await finishJob(opts.db, job.id, error ?? undefined);
  };

  const runOne = async (): Promise<boolean> => {
    const job = await claim();
    if (!job) return false;
    const solo = job.attempts > 1 ? alone : null;
    // From the claim on (waiting included), so no other worker takes this job over as stale.
    const beat = setInterval(() => void heartbeat(opts.db, job.id, workerId).catch(() => undefined), HEARTBEAT_MS);
    beat.unref();
    try {
      // A retried job starts once the jobs already running here have finished.
      while (solo && active > 0) await new Promise<void>((r) => drained.push(r));
      active++;
      try {
        await run(job);
      } finally {
        active--;
        if (active === 0) drained.splice(0).forEach((r) => r());
      }
    } finally {
      clearInterval(beat);
      if (solo) {
        alone = null;
        solo.release();
      }
    }
    return true;
  };

  const loop = async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await runOne();
      } catch (e) {
        console.error("[worker] job loop error", e);
      }
      if (!worked) {
        await checkIdle().catch((e) => console.error("[worker] idle check failed", e));
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, pollMs);
        });
      }
    }
  };

  const recovered = requeueOrphans(opts.db, host, workerId)
    .then((n) => n && console.log(`[worker] ${n} interrupted parse job(s) queued again`))
    .catch((e) => console.error("[worker] orphan recovery failed", e));
  const swept = sweepStaleTemporaries(opts.db, opts.dataDir, { maxAgeMs: opts.staleTempMs ?? STALE_TEMP_MS })
    .then(
      (r) =>
        (r.removed || r.restored) &&
        console.log(`[worker] ${r.removed} stale temporary file(s) removed, ${r.restored} blob(s) put back`),
    )
    .catch((e) => console.error("[worker] temporary file sweep failed", e));
  // Jobs start once both are done, so `stop()` also waits for them.
  const started = Promise.all([recovered, swept]);
  const loops = Array.from({ length: Math.max(1, opts.concurrency) }, () => started.then(loop));
  return {
    async stop() {
      stopping = true;
      wake?.();
      await Promise.all(loops);
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        void checkIdle();
      }),
  };
}
