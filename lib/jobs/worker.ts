import os from "node:os";
import type { Db } from "@/lib/db/client";
import { blobStore } from "@/lib/ingest/bundle";
import { resolveLimits } from "@/lib/ingest/limits";
import { runFileJob } from "@/lib/ingest/run-file-job";
import { claimJob, finishJob, MAX_ATTEMPTS, requeueOrphans } from "./queue";

export interface WorkerOptions {
  db: Db;
  dataDir: string;
  concurrency: number;
  pollMs?: number;
}

export interface RunningWorker {
  stop(): Promise<void>;
  /** Resolves when no job is queued or running in this worker. */
  idle(): Promise<void>;
}

export function startWorker(opts: WorkerOptions): RunningWorker {
  const host = os.hostname();
  const workerId = `${host}:${process.pid}`;
  const store = blobStore(opts.dataDir);
  const limits = resolveLimits();
  const pollMs = opts.pollMs ?? 500;
  let stopping = false;
  let active = 0;
  let wake: (() => void) | null = null;
  const idleWaiters: Array<() => void> = [];

  const checkIdle = async () => {
    if (active > 0 || idleWaiters.length === 0) return;
    const pending = await opts.db.parseJob.count({ where: { status: { in: ["queued", "running"] } } });
    if (pending === 0 && active === 0) idleWaiters.splice(0).forEach((r) => r());
  };

  const runOne = async (): Promise<boolean> => {
    const job = await claimJob(opts.db, workerId);
    if (!job) return false;
    active++;
    try {
      if (job.attempts > MAX_ATTEMPTS) {
        const reason = `The parser stopped ${MAX_ATTEMPTS} times on this file (crash or restart); marked failed so the rest of the bundle can finish.`;
        await opts.db.bundleFile.update({ where: { id: job.fileId }, data: { status: "failed", error: reason } });
        await finishJob(opts.db, job.id, reason);
      } else {
        const error = await runFileJob({ db: opts.db, store, limits, incidentId: job.incidentId, fileId: job.fileId });
        await finishJob(opts.db, job.id, error ?? undefined);
      }
    } finally {
      active--;
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
        await checkIdle();
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, pollMs);
        });
      }
    }
  };

  const recovered = requeueOrphans(opts.db, host).catch((e) => console.error("[worker] orphan recovery failed", e));
  const loops = Array.from({ length: opts.concurrency }, () => recovered.then(loop));
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
