import "server-only";
import type { Db } from "@/lib/db/client";
import { csvRow } from "./csv";
import { TRANSACTION_COLUMNS, transactionCsvRow, type TransactionCsvRow } from "./tables";

const PAGE = 5000;

/** Every transaction of the incident in time order, a page at a time (keyset on startTs, id: no OFFSET scans). */
export async function* transactionPages(
  db: Db,
  incidentId: string,
  pageSize = PAGE,
): AsyncGenerator<TransactionCsvRow[]> {
  // Few connections are matched: one small lookup instead of a join per page.
  const matched = await db.tcpConnection.findMany({
    where: { incidentId, matchedCorrelationId: { not: null } },
    select: { id: true, matchedCorrelationId: true, classCode: true, closeFrame: true, matchedDeltaMs: true },
  });
  const byCid = new Map(matched.map((c) => [c.matchedCorrelationId!, c]));
  const files = new Map(
    (await db.bundleFile.findMany({ where: { incidentId }, select: { id: true, name: true } })).map((f) => [
      f.id,
      f.name,
    ]),
  );
  let after: { ts: Date; id: bigint } | null = null;
  for (;;) {
    const rows: Array<
      Omit<TransactionCsvRow, "fileName" | "connId" | "classCode" | "closeFrame" | "deltaMs"> & {
        id: bigint;
        fileId: string;
      }
    > = after
      ? await db.$queryRaw`
          SELECT id, "fileId", "correlationId", "startTs", "endTs", method, url, proxy, target, status, "errCode", "errMessage", "durationMs", "lineNo", "byteOffset", "lineCount"
          FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND ("startTs", id) > (${after.ts}, ${after.id})
          ORDER BY "startTs", id LIMIT ${pageSize}`
      : await db.$queryRaw`
          SELECT id, "fileId", "correlationId", "startTs", "endTs", method, url, proxy, target, status, "errCode", "errMessage", "durationMs", "lineNo", "byteOffset", "lineCount"
          FROM "LogTransaction" WHERE "incidentId" = ${incidentId}
          ORDER BY "startTs", id LIMIT ${pageSize}`;
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const c = byCid.get(r.correlationId);
      return {
        ...r,
        fileName: files.get(r.fileId) ?? r.fileId,
        connId: c?.id ?? null,
        classCode: c?.classCode ?? null,
        closeFrame: c?.closeFrame ?? null,
        deltaMs: c?.matchedDeltaMs ?? null,
      };
    });
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { ts: last.startTs, id: last.id };
  }
}

/** The transactions CSV as a byte stream: header, then one page of rows per pull. */
export function transactionsCsvStream(db: Db, incidentId: string): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const pages = transactionPages(db, incidentId);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(enc.encode(csvRow([...TRANSACTION_COLUMNS])));
        return;
      }
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(enc.encode(next.value.map(transactionCsvRow).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
