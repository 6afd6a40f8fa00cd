// Starts the parse worker inside the server process (PGlite has one owner: this process).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  if (env().RUN_WORKER !== "1") return;
  const { db } = await import("@/lib/db/client");
  const { startWorker } = await import("@/lib/jobs/worker");
  const e = env();
  startWorker({ db: db(), dataDir: e.dataDir, concurrency: e.PARSE_CONCURRENCY });
}
