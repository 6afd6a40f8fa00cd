import "server-only";
import { createReadStream } from "node:fs";
import { LineRedactor, type RedactionReport } from "@/lib/redact";
import { readFileCounts } from "@/lib/api/file-counts";
import { redactLines } from "@/lib/redact/stream";
import type { Db } from "@/lib/db/client";
import type { BlobStore, PutResult } from "./blobs";
import { READ_CHUNK_BYTES } from "./parse-thread/protocol";

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
  /** `tag` names the copy's temporary file, so a failed parse can remove it (BlobStore.dropPartsOf). */
  { onChunk, tag }: { onChunk?: (chunk: Buffer) => void | Promise<void>; tag?: string } = {},
): Promise<RedactedBlob> {
  const redactor = new LineRedactor();
  const source = createReadStream(store.pathOf(sha256), { highWaterMark: READ_CHUNK_BYTES });
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
    { hold: true, tag },
  );
  return { put, report: redactor.report() };
}

/** What adoption leaves in a file's counts: the redaction report, and the upload's own hash when the copy differs. */
export interface Adopted {
  redactions: RedactionReport;
  uploadSha256?: string;
}

/**
 * Replaces a file's stored blob by its redacted copy; the original bytes are deleted unless another
 * file (another incident's upload of the same content) still points at them. Returns what is kept in the file's
 * counts: the report, and the upload's hash, by which a later upload of the same bytes is known (bundle.ts).
 */
export async function adoptRedacted(
  db: Db,
  store: BlobStore,
  file: { id: string; sha256: string },
  { put, report }: RedactedBlob,
): Promise<Adopted> {
  if (put.sha256 !== file.sha256) {
    const adopted = { redactions: report, uploadSha256: file.sha256 };
    // Kept with the swap: a re-run after a crash reads the redacted copy and would find neither.
    await db.$transaction([
      db.bundleFile.update({
        where: { id: file.id },
        data: { sha256: put.sha256, size: BigInt(put.size), counts: { ...adopted } },
      }),
      // Its copies skipped as duplicates (bundle.ts) follow it, so none keeps the original bytes alive.
      db.bundleFile.updateMany({
        where: { sha256: file.sha256, counts: { path: ["duplicateOf"], equals: file.id } },
        data: { sha256: put.sha256, size: BigInt(put.size) },
      }),
    ]);
    await store.settle(put);
    await store.deleteUnused(
      file.sha256,
      async () => (await db.bundleFile.count({ where: { sha256: file.sha256 } })) > 0,
    );
    return adopted;
  }
  await store.settle(put);
  const row = await db.bundleFile.findUnique({ where: { id: file.id }, select: { counts: true } });
  const kept = readFileCounts(row?.counts);
  return { redactions: kept.redactions ?? report, uploadSha256: kept.uploadSha256 };
}
