import "server-only";
import { createReadStream } from "node:fs";
import { LineRedactor, type RedactionReport } from "@/lib/redact";
import { readFileCounts } from "@/lib/api/file-counts";
import { redactLines } from "@/lib/redact/stream";
import type { Db } from "@/lib/db/client";
import type { BlobStore, PutResult } from "./blobs";

// Moved to lib/redact/stream.ts so the host-side collector redacts with the very same code.
export { redactLines } from "@/lib/redact/stream";

export interface RedactedBlob {
  put: PutResult;
  report: RedactionReport;
}

/**
 * Writes the redacted copy of a stored blob (held, see BlobStore.put) without touching the database, so it can
 * run in the parse thread. `onChunk` sees every redacted chunk before it is written, so a parser can read the
 * file in the same pass. `adoptRedacted` then points the file's row at it.
 */
export async function redactToStore(
  store: BlobStore,
  sha256: string,
  onChunk?: (chunk: Buffer) => void | Promise<void>,
): Promise<RedactedBlob> {
  const redactor = new LineRedactor();
  const source = createReadStream(store.pathOf(sha256), { highWaterMark: 1 << 20 });
  // An open error (blob gone) can fire before the first read: keep it for the iteration below instead of uncaught.
  source.on("error", () => undefined);
  const redacted = redactLines(source as AsyncIterable<Buffer>, redactor);
  const put = await store.put(
    onChunk
      ? (async function* () {
          for await (const chunk of redacted) {
            await onChunk(chunk);
            yield chunk;
          }
        })()
      : redacted,
    { hold: true },
  );
  return { put, report: redactor.report() };
}

/**
 * Replaces a file's stored blob by its redacted copy; the original bytes are deleted unless another
 * file (another incident's upload of the same content) still points at them. Returns the report kept with the file.
 */
export async function adoptRedacted(
  db: Db,
  store: BlobStore,
  file: { id: string; sha256: string },
  { put, report }: RedactedBlob,
): Promise<RedactionReport> {
  if (put.sha256 !== file.sha256) {
    // The report is kept with the swap: a re-run after a crash reads the redacted copy and would find nothing.
    await db.bundleFile.update({
      where: { id: file.id },
      data: { sha256: put.sha256, size: BigInt(put.size), counts: { redactions: report } },
    });
    await store.settle(put);
    await store.deleteUnused(
      file.sha256,
      async () => (await db.bundleFile.count({ where: { sha256: file.sha256 } })) > 0,
    );
    return report;
  }
  await store.settle(put);
  const row = await db.bundleFile.findUnique({ where: { id: file.id }, select: { counts: true } });
  return readFileCounts(row?.counts).redactions ?? report;
}
