import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * `COPY … FROM` for bulk rows, beside the `unnest` inserts of bulk.ts: PGlite reads the rows from a blob handed to
 * its query (`COPY … FROM '/dev/blob'`), PostgreSQL from `COPY … FROM STDIN` (pg-copy-streams). Both take
 * PostgreSQL's text format, which `copyText` writes. Like bulk-raw.ts this goes to the driver, not through Prisma,
 * and (as the rest of lib/db) does not import "server-only": the worker process and the bench load it outside Next.
 */

/** Runs `COPY <table> (<cols>) FROM <source>` with `text` (text format) as its data. */
export type CopyIn = (tableAndColumns: string, text: string) => Promise<void>;

const drivers = new WeakMap<PrismaClient, CopyIn>();

/** Called by lib/db/client.ts for each client it opens. */
export function registerCopyDriver(db: PrismaClient, copy: CopyIn): void {
  drivers.set(db, copy);
}

export function copyDriver(db: PrismaClient): CopyIn | undefined {
  return drivers.get(db);
}

/** PGlite: the rows as a blob, read by the server as the file /dev/blob. */
export function pgliteCopy(pglite: PGlite): CopyIn {
  return async (tableAndColumns, text) => {
    await pglite.query(`COPY ${tableAndColumns} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
  };
}

/**
 * PostgreSQL: `COPY … FROM STDIN` on one connection of the pool. pg-copy-streams is loaded on first use (a
 * devDependency while only scripts/bench/copy.ts and the tests call this; see docs/benchmark.md).
 */
export function pgCopy(pool: pg.Pool): CopyIn {
  return async (tableAndColumns, text) => {
    const { from: copyFrom } = await import("pg-copy-streams");
    const client = await pool.connect();
    try {
      await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${tableAndColumns} FROM STDIN`)));
    } finally {
      client.release();
    }
  };
}

/** A value of one column: null is SQL NULL; objects are written as JSON (for json/jsonb columns). */
export type CopyValue = string | number | bigint | boolean | null | object;

/**
 * One field in COPY's text format: `\N` for NULL, and backslash, tab, newline and carriage return escaped
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2). Everything else, quotes and
 * non-ASCII characters included, goes as it is.
 */
export function copyField(v: CopyValue): string {
  if (v === null) return "\\N";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  // Fast path: most fields (numbers, timestamps, ids) have nothing to escape.
  if (!/[\\\t\n\r]/.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** Rows in COPY's text format: fields separated by tabs, each row ending in a newline. */
export function copyText(rows: Iterable<CopyValue[]>): string {
  const out: string[] = [];
  for (const row of rows) out.push(row.map(copyField).join("\t"));
  return out.length ? out.join("\n") + "\n" : "";
}
