import { insertStats, insertTransactions } from "@/lib/db/bulk";
import { insertConnections } from "@/lib/db/bulk-connections";
import type { RowBatch } from "../parse-thread/protocol";
import type { FileJobContext } from "./context";

/**
 * Rows per statement. PGlite used to run every statement on this thread, so one 5000-row insert held page requests
 * for its whole length, and 1,000-row slices with a turn of the event loop between them let requests in (#18).
 * PGlite now runs in a thread of its own (lib/db/thread-pglite.ts), where pages wait only for the insert in
 * progress (bulk inserts let other statements go first); each statement costs a round trip between the threads,
 * so transactions go 2,500 at a time (a 300k-line log: 5.6 s against 8.1 s with 1,000, docs/benchmark.md) and
 * connections 500 (a whole batch: with 200, a capture's many small statements kept yielding to page queries).
 */
const SLICE = { transactions: 2500, stats: 1000, connections: 500 } as const;

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

async function inSlices<T>(rows: T[], size: number, write: (slice: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    if (i > 0) await nextTurn();
    await write(rows.slice(i, i + size));
  }
}

/** Writes one batch of rows a parse thread sent, with the bulk insert of its table, a slice per statement. */
export async function writeBatch(ctx: FileJobContext, batch: RowBatch): Promise<void> {
  const { db, incidentId, file } = ctx;
  switch (batch.table) {
    case "transactions":
      return inSlices(batch.rows, SLICE.transactions, (rows) => insertTransactions(db, incidentId, file.id, rows));
    case "stats":
      return inSlices(batch.rows, SLICE.stats, (rows) => insertStats(db, incidentId, file.id, rows));
    case "connections":
      return inSlices(batch.rows, SLICE.connections, (rows) => insertConnections(db, incidentId, file.id, rows));
  }
}
