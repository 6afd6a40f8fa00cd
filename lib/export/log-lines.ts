import "server-only";
import { createReadStream } from "node:fs";
import { maskClientId } from "@/lib/redact";

/** How far past a transaction's first line its other lines are looked for (they interleave with other requests). */
const MAX_SCAN_BYTES = 1 << 20;
const MAX_SCAN_LINES = 5000;

/**
 * The client id (x-api-key value) sits in the field just before the correlation id on event lines:
 * `...[CLIENT_IP][CLIENT_ID][CORRELATION_ID]...`. Masked for anything shared.
 */
export function maskClientIdField(line: string, correlationId: string): string {
  const at = line.indexOf(`][${correlationId}]`);
  if (at < 0) return line;
  const open = line.lastIndexOf("[", at - 1);
  if (open < 0) return line;
  return line.slice(0, open + 1) + maskClientId(line.slice(open + 1, at)) + line.slice(at);
}

/**
 * Reads up to `count` lines of one transaction from the stored (redacted) log, starting at its first line's
 * byte offset: every line carrying `[correlationId]`, with its line number. Bytes are read as latin1, like the
 * redactor, so offsets match; the text is then decoded as UTF-8.
 */
export async function readTransactionLines(
  path: string,
  byteOffset: number,
  firstLineNo: number,
  correlationId: string,
  count: number,
): Promise<Array<{ lineNo: number; text: string }>> {
  const needle = Buffer.from(`[${correlationId}]`);
  const out: Array<{ lineNo: number; text: string }> = [];
  let pending = Buffer.alloc(0);
  let lineNo = firstLineNo;
  let scanned = 0;
  const stream = createReadStream(path, {
    start: byteOffset,
    end: byteOffset + MAX_SCAN_BYTES - 1,
    highWaterMark: 64 << 10,
  });
  try {
    for await (const chunk of stream) {
      let buf = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
        const line = buf.subarray(start, nl);
        if (line.includes(needle))
          out.push({ lineNo, text: maskClientIdField(line.toString("utf8").replace(/\r$/, ""), correlationId) });
        lineNo++;
        scanned++;
        start = nl + 1;
        if (out.length >= count || scanned >= MAX_SCAN_LINES) return out;
      }
      pending = Buffer.from(buf.subarray(start));
      buf = Buffer.alloc(0);
    }
    if (pending.length && pending.includes(needle))
      out.push({ lineNo, text: maskClientIdField(pending.toString("utf8"), correlationId) });
    return out;
  } finally {
    stream.destroy();
  }
}
