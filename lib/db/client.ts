import "server-only";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { registerBulkDriver } from "./bulk-raw";
import { gatedPglite } from "./foreground";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

export type Db = PrismaClient;

export interface DbHandle {
  prisma: PrismaClient;
  /** Same connection target, for the schema engine (migrations). */
  factory: SqlMigrationAwareDriverAdapterFactory;
  kind: "pglite" | "postgresql";
  close(): Promise<void>;
}

export interface DbOptions {
  databaseUrl?: string;
  /** PGlite data directory; undefined means in memory. */
  pgliteDir?: string;
}

export function openDb(opts: DbOptions): DbHandle {
  if (opts.databaseUrl) {
    // A connection the server drops (restart, failover, idle timeout) makes its pool emit `error`; without a
    // listener that is an uncaught exception and the process (the app, or `npm run worker`) dies. Logged instead:
    // the pool opens a new connection for the next query, and a query that was running fails on its own.
    const onPoolError = (err: Error) => console.error(`[db] connection lost: ${err.message}`);
    const factory = new PrismaPg(
      { connectionString: opts.databaseUrl, max: 10 },
      { onPoolError, onConnectionError: onPoolError },
    );
    const prisma = new PrismaClient({ adapter: factory });
    let bulkPool: pg.Pool | null = null;
    const bulk = () => {
      if (!bulkPool) {
        bulkPool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
        bulkPool.on("error", onPoolError);
      }
      return bulkPool;
    };
    registerBulkDriver(prisma, (sql, params) => bulk().query(sql, params));
    return {
      prisma,
      factory,
      kind: "postgresql",
      close: async () => {
        await prisma.$disconnect();
        await bulkPool?.end();
      },
    };
  }
  if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true });
  // PGlite's WebAssembly heap never shrinks; 16 MB of shared buffers instead of 128 keeps the server process
  // ~130 MB smaller and costs no measurable ingest time (the OS page cache holds the data files anyway).
  const pglite = new PGlite(opts.pgliteDir, {
    startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
  });
  // Pages' queries go before the ingest's bulk inserts (foreground.ts).
  const { forAdapter, bulk } = gatedPglite(pglite);
  const factory = new PrismaPGlite(forAdapter);
  const prisma = new PrismaClient({ adapter: factory });
  registerBulkDriver(prisma, bulk);
  return {
    prisma,
    factory: factory as unknown as SqlMigrationAwareDriverAdapterFactory,
    kind: "pglite",
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

export function openAppDb(): DbHandle {
  const e = env();
  return openDb({ databaseUrl: e.DATABASE_URL, pgliteDir: path.join(e.dataDir, "pglite") });
}

// One instance per process: PGlite is single-owner, and hot reload must not open a second one.
const globalForDb = globalThis as unknown as { __emgDb?: DbHandle };

export function dbHandle(): DbHandle {
  globalForDb.__emgDb ??= openAppDb();
  return globalForDb.__emgDb;
}

export function db(): PrismaClient {
  return dbHandle().prisma;
}
