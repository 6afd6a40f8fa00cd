import "server-only";
import { createReadStream } from "node:fs";
import { LineRedactor, type RedactionReport } from "@/lib/redact";
import { readFileCounts } from "@/lib/api/file-counts";
import { redactLines } from "@/lib/redact/stream";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "./blobs";

// Moved to lib/redact/stream.ts so the host-side collector redacts with the very same code.
export { redactLines } from "@/lib/redact/stream";

/**
 * Replaces a file's stored blob by its redacted copy; the original bytes are deleted unless another
 * file (another incident's upload of the same content) still points at them. `onChunk` sees every
 * redacted chunk before it is written, so a parser can read the file in the same pass.
 */
export async function redactStoredFile(
  db: Db,
  store: BlobStore,
  file: { id: string; sha256: string },
  onChunk?: (chunk: Buffer) => void | Promise<void>,
): Promise<{ sha256: string; size: number; report: RedactionReport }> {
  const redactor = new LineRedactor();
  const source = createReadStream(store.pathOf(file.sha256), { highWaterMark: 1 << 20 });
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
  let report = redactor.report();
  if (put.sha256 !== file.sha256) {
    // The report is kept with the swap: a re-run after a crash reads the redacted copy and would find nothing.
    await db.bundleFile.update({ where: { id: file.id }, data: { sha256: put.sha256, size: BigInt(put.size), counts: { redactions: report } } });
    await store.settle(put);
    await store.deleteUnused(file.sha256, async () => (await db.bundleFile.count({ where: { sha256: file.sha256 } })) > 0);
  } else {
    await store.settle(put);
    const row = await db.bundleFile.findUnique({ where: { id: file.id }, select: { counts: true } });
    const kept = readFileCounts(row?.counts).redactions;
    if (kept) report = kept;
  }
  return { sha256: put.sha256, size: put.size, report };
}
