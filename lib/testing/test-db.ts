import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type DbHandle } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export { SAMPLE_DIR } from "./samples";

export interface TestEnv {
  handle: DbHandle;
  dataDir: string;
  /** A folder of its own for the files a test writes (fixtures, archives), removed with the database. */
  scratch: string;
  cleanup(): Promise<void>;
}

/**
 * A migrated, empty database on whichever engine this run targets: PGlite in memory by default,
 * the PostgreSQL server of DATABASE_URL when set (its public schema is wiped first, so DB test
 * files run one at a time: see vitest.config.ts).
 */
export async function openTestDb(): Promise<TestEnv> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "emg-test-"));
  const url = process.env.DATABASE_URL;
  if (url) {
    const reset = openDb({ databaseUrl: url });
    await reset.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS public CASCADE`);
    await reset.prisma.$executeRawUnsafe(`CREATE SCHEMA public`);
    await reset.close();
  }
  const handle = openDb(url ? { databaseUrl: url } : {});
  await applyMigrations(handle.factory);
  const scratch = mkdtempSync(path.join(os.tmpdir(), "emg-scratch-"));
  return {
    handle,
    dataDir,
    scratch,
    async cleanup() {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
