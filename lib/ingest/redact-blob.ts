import { createReadStream } from "node:fs";
import { LineRedactor, type RedactionReport } from "@/lib/redact";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "./blobs";

/** Lines longer than this cannot hold a secret we could find cheaply; they pass through (the parser flags them). */
const MAX_REDACT_LINE = 1 << 20;

/**
 * Streams a text blob through the line redactor. Bytes are read as latin1 so unchanged lines stay
 * byte-identical (offsets and invalid UTF-8 are preserved for the parser's own reporting).
 */
export async function* redactLines(source: AsyncIterable<Buffer>, redactor: LineRedactor): AsyncGenerator<Buffer> {
  let pending = "";
  let lineNo = 0;
  let passthrough = false;
  for await (const chunk of source) {
    let text = pending + chunk.toString("latin1");
    let start = 0;
    const out: string[] = [];
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      lineNo++;
      const line = text.slice(start, nl);
      out.push(passthrough ? line : redactor.redactLine(line, lineNo), "\n");
      passthrough = false;
      start = nl + 1;
    }
    pending = text.slice(start);
    text = "";
    if (pending.length > MAX_REDACT_LINE) {
      out.push(pending);
      pending = "";
      passthrough = true;
    }
    if (out.length) yield Buffer.from(out.join(""), "latin1");
  }
  if (pending) yield Buffer.from(passthrough ? pending : redactor.redactLine(pending, lineNo + 1), "latin1");
}

/**
 * Replaces a file's stored blob by its redacted copy; the original bytes are deleted unless another
 * file (another incident's upload of the same content) still points at them.
 */
export async function redactStoredFile(db: Db, store: BlobStore, file: { id: string; sha256: string }): Promise<{ sha256: string; report: RedactionReport }> {
  const redactor = new LineRedactor();
  const put = await store.put(redactLines(createReadStream(store.pathOf(file.sha256), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, redactor));
  if (put.sha256 !== file.sha256) {
    await db.bundleFile.update({ where: { id: file.id }, data: { sha256: put.sha256, size: BigInt(put.size) } });
    if ((await db.bundleFile.count({ where: { sha256: file.sha256 } })) === 0) await store.delete(file.sha256);
  }
  return { sha256: put.sha256, report: redactor.report() };
}
