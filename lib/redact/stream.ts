/**
 * Streaming line redaction of a byte stream with {@link LineRedactor}. Shared by the server's ingest
 * (lib/ingest/redact-blob.ts) and the host-side collector (lib/collector), so both redact identically.
 * Pure streaming, no file or database access.
 */
import type { LineRedactor } from "./index";
import { LongLineRedactor } from "./long-line";

/** Lines longer than this are not held whole: they are redacted in pieces as they stream (lib/redact/long-line.ts). */
const MAX_REDACT_LINE = 1 << 20;
const LF = Buffer.from("\n");
const latin1 = (s: string) => Buffer.from(s, "latin1");

/**
 * Streams a text blob through the line redactor. Lines are read as latin1 so unchanged lines stay
 * byte-identical (offsets and invalid UTF-8 are preserved for the parser's own reporting). Unchanged
 * lines are not copied: a chunk without a redaction is yielded as the same bytes.
 */
export async function* redactLines(source: AsyncIterable<Buffer>, redactor: LineRedactor): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let lineNo = 0;
  /** Set while inside a line longer than MAX_REDACT_LINE. */
  let long: LongLineRedactor | null = null;
  /** One whole line (without its LF): the bytes to write for it. */
  const redactOne = (line: Buffer): Buffer => {
    lineNo++;
    const text = line.toString("latin1");
    const out = redactor.redactLine(text, lineNo);
    return out === text ? line : latin1(out);
  };
  for await (const chunk of source) {
    let start = 0;
    const parts: Buffer[] = [];
    let changed = false;
    let nl = chunk.indexOf(10);
    if (nl !== -1 && (carryLen > 0 || long)) {
      if (long) {
        lineNo++;
        parts.push(latin1(long.end(chunk.subarray(0, nl).toString("latin1"))));
        long = null;
      } else {
        carry.push(chunk.subarray(0, nl));
        parts.push(redactOne(Buffer.concat(carry)));
        carry = [];
        carryLen = 0;
      }
      parts.push(LF);
      changed = true;
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
        parts.push(out, LF);
        changed = true;
        runStart = nl + 1;
      }
      start = nl + 1;
    }
    if (start > runStart) parts.push(chunk.subarray(runStart, start));
    if (start < chunk.length) {
      if (long) {
        parts.push(latin1(long.push(chunk.subarray(start).toString("latin1"))));
        changed = true;
      } else {
        carry.push(Buffer.from(chunk.subarray(start))); // copy: the source may reuse its chunk buffer
        carryLen += chunk.length - start;
        if (carryLen > MAX_REDACT_LINE) {
          long = new LongLineRedactor(redactor, lineNo + 1);
          parts.push(latin1(long.push(Buffer.concat(carry).toString("latin1"))));
          changed = true;
          carry = [];
          carryLen = 0;
        }
      }
    }
    if (parts.length === 0) continue;
    yield !changed && start === chunk.length ? chunk : parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
  if (long) {
    lineNo++;
    yield latin1(long.end());
  } else if (carryLen > 0) {
    yield redactOne(Buffer.concat(carry));
  }
}
