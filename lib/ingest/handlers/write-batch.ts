import { setImmediate as nextTurn } from "node:timers/promises";
import { insertStats, insertTransactions } from "@/lib/db/bulk";
import { insertConnections } from "@/lib/db/bulk-connections";
import type { RowBatch } from "../parse-thread/protocol";
import type { FileJobContext } from "./context";

/**
 * Rows per statement. With PGlite every statement runs on this thread, so one 5000-row insert held page requests
 * for its whole length; smaller statements with a turn of the event loop between them let requests in (#18).
 */
const SLICE = { transactions: 1000, stats: 1000, connections: 200 } as const;

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
