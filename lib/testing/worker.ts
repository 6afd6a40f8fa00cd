import type { Db } from "@/lib/db/client";
import { startWorker } from "@/lib/jobs/worker";

/** Runs the parse worker, two jobs at once as the app does, until every queued job is done. */
export async function parseQueued(db: Db, dataDir: string): Promise<void> {
  const worker = startWorker({ db, dataDir, concurrency: 2, pollMs: 20 });
  await worker.idle();
  await worker.stop();
}
