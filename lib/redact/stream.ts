/**
 * Streaming line redaction of a byte stream with {@link LineRedactor}. Shared by the server's ingest
 * (lib/ingest/redact-blob.ts) and the host-side collector (lib/collector), so both redact identically.
 * Pure streaming, no file or database access.
 */
import type { LineRedactor } from "./index";

/** Lines longer than this cannot hold a secret we could find cheaply; they pass through (the parser flags them). */
const MAX_REDACT_LINE = 1 << 20;

/**
 * Streams a text blob through the line redactor. Lines are read as latin1 so unchanged lines stay
 * byte-identical (offsets and invalid UTF-8 are preserved for the parser's own reporting). Unchanged
 * lines are not copied: a chunk without a redaction is yielded as the same bytes.
 */
export async function* redactLines(source: AsyncIterable<Buffer>, redactor: LineRedactor): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let lineNo = 0;
  let passthrough = false;
  /** One whole line (without its LF): the bytes to write for it. */
  const redactOne = (line: Buffer): Buffer => {
    lineNo++;
    if (passthrough) {
      passthrough = false;
      return line;
    }
    const text = line.toString("latin1");
    const out = redactor.redactLine(text, lineNo);
    return out === text ? line : Buffer.from(out, "latin1");
  };
  for await (const chunk of source) {
    let start = 0;
    const parts: Buffer[] = [];
    let changed = false;
    let nl = chunk.indexOf(10);
    if (nl !== -1 && carryLen > 0) {
      carry.push(chunk.subarray(0, nl));
      const line = Buffer.concat(carry);
      parts.push(redactOne(line), chunk.subarray(nl, nl + 1));
      changed = true;
      carry = [];
      carryLen = 0;
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    // Runs of unchanged lines are kept as one slice of the chunk.
    let runStart = start;
    for (; nl !== -1; nl = chunk.indexOf(10, start)) {
      const line = chunk.subarray(start, nl);
      const out = redactOne(line);
      if (out !== line) {
        if (start > runStart) parts.push(chunk.subarray(runStart, start));
        parts.push(out, chunk.subarray(nl, nl + 1));
        changed = true;
        runStart = nl + 1;
      }
      start = nl + 1;
    }
    if (start > runStart) parts.push(chunk.subarray(runStart, start));
    if (start < chunk.length) {
      carry.push(Buffer.from(chunk.subarray(start))); // copy: the source may reuse its chunk buffer
      carryLen += chunk.length - start;
    }
    if (carryLen > MAX_REDACT_LINE) {
      parts.push(...carry);
      changed = true;
      carry = [];
      carryLen = 0;
      passthrough = true;
    }
    if (parts.length === 0) continue;
    yield !changed && start === chunk.length ? chunk : parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
  if (carryLen > 0) {
    const line = Buffer.concat(carry);
    if (passthrough) yield line;
    else {
      lineNo++;
      yield Buffer.from(redactor.redactLine(line.toString("latin1"), lineNo), "latin1");
    }
  }
}

