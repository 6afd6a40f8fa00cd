import { insertStats, insertTransactions } from "@/lib/db/bulk";
import { insertConnections } from "@/lib/db/bulk-connections";
import type { RowBatch } from "../parse-thread/protocol";
import type { FileJobContext } from "./context";

/** Writes one batch of rows a parse thread sent, with the bulk insert of its table. */
export async function writeBatch(ctx: FileJobContext, batch: RowBatch): Promise<void> {
  const { db, incidentId, file } = ctx;
  switch (batch.table) {
    case "transactions":
      return insertTransactions(db, incidentId, file.id, batch.rows);
    case "stats":
      return insertStats(db, incidentId, file.id, batch.rows);
    case "connections":
      return insertConnections(db, incidentId, file.id, batch.rows);
  }
}
