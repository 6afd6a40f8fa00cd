// A standalone parse worker for PostgreSQL deployments: `DATABASE_URL=... npm run worker` (as many as you like).
import { openAppDb } from "../lib/db/client";
import { env } from "../lib/env";
import { startWorker } from "../lib/jobs/worker";

const e = env();
if (!e.DATABASE_URL) {
  console.error(
    "npm run worker needs DATABASE_URL: the embedded PGlite database belongs to the app process, which runs its own worker.",
  );
  process.exit(2);
}
const handle = openAppDb();
const worker = startWorker({ db: handle.prisma, dataDir: e.dataDir, concurrency: e.PARSE_CONCURRENCY });
console.log(`worker ${process.pid} running, ${e.PARSE_CONCURRENCY} parse slots`);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, async () => {
    await worker.stop();
    await handle.close();
    process.exit(0);
  });
}
