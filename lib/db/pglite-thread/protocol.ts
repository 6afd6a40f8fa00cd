/**
 * Messages between the server's thread and the PGlite thread (entry.ts). Prisma's driver adapter interface is
 * plain data both ways (SQL, arguments, column types, rows), so it crosses the thread boundary as it is; an
 * adapter or a transaction is named by a number the thread hands out.
 */
import type { IsolationLevel, SqlQuery } from "@prisma/driver-adapter-utils";

export interface ThreadOptions {
  /** Data directory; undefined means in memory. */
  dataDir?: string;
  startParams: string[];
}

export type Request =
  | { op: "connect"; shadow: boolean }
  | { op: "queryRaw" | "executeRaw"; target: number; query: SqlQuery }
  | { op: "executeScript"; target: number; script: string }
  | { op: "startTransaction"; target: number; isolationLevel?: IsolationLevel }
  | { op: "commit" | "rollback" | "dispose"; target: number }
  /** An ingest's statement (lib/db/bulk-raw.ts): waits while pages' queries run. */
  | { op: "bulk"; sql: string; params: unknown[] }
  | { op: "close" };

export type ToThread = { id: number } & Request;

/** An error as it crossed: a DriverAdapterError keeps its `cause` (what Prisma maps to P2002 and the like). */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
}

export type FromThread = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };
