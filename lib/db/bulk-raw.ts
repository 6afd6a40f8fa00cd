import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Bulk inserts go to the driver directly, not through Prisma: Prisma's debug module keeps its last 100 messages
 * (each with the serialized query arguments) even when DEBUG is off, which pinned hundreds of MB of bulk
 * parameters in the heap during ingest. Each call is one statement, atomic on its own.
 */
export type BulkQuery = (sql: string, params: unknown[]) => Promise<unknown>;

const drivers = new WeakMap<PrismaClient, BulkQuery>();

/** Called by lib/db/client.ts for each client it opens. */
export function registerBulkDriver(db: PrismaClient, query: BulkQuery): void {
  drivers.set(db, query);
}

/** The driver of `db`; a client opened elsewhere falls back to Prisma's own raw query. */
export function bulkQuery(db: PrismaClient): BulkQuery {
  return drivers.get(db) ?? ((sql, params) => db.$executeRawUnsafe(sql, ...params));
}

/**
 * A read through the bulk driver: on PGlite it waits, as the bulk inserts do, while a page's queries run
 * (foreground.ts), for the ingest's large reads at the end of a job (correlation's connections).
 */
export async function backgroundRows<T>(db: PrismaClient, sql: string, params: unknown[]): Promise<T[]> {
  const driver = drivers.get(db);
  if (!driver) return db.$queryRawUnsafe<T[]>(sql, ...params);
  // PGlite answers through promises alone: without a turn of the loop, a chain of reads holds every request back.
  await nextTurn();
  return ((await driver(sql, params)) as { rows: T[] }).rows;
}
