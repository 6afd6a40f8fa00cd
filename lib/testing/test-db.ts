import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
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

/**
 * What `open` gives, opened before the tests of the calling file and cleaned up after them: the set-up and tear-down
 * of a database test file in one line. The object is filled in `beforeAll`: read its fields in tests and hooks only.
 */
export function openForFile<T extends { t: TestEnv }>(open: () => Promise<T>): T {
  return filledBeforeAll(open, (env) => env.t?.cleanup());
}

/** A fresh database (openTestDb) for the tests of the calling file; see openForFile. */
export function testDbForFile(): TestEnv {
  return filledBeforeAll(openTestDb, (t) => t.cleanup?.());
}

/** `opened` is partial in `close` when `open` failed. */
function filledBeforeAll<T extends object>(
  open: () => Promise<T>,
  close: (opened: Partial<T>) => Promise<void> | undefined,
): T {
  const opened = {} as T;
  beforeAll(async () => {
    Object.assign(opened, await open());
  });
  afterAll(async () => close(opened));
  return opened;
}
