/**
 * Streaming Edge Microgateway log parser (docs/formats.md §1). Pure and synchronous at its core:
 * feed byte chunks with `push`, call `end` once. Lines are split on 0x0A; a trailing 0x0D is
 * dropped. Memory stays flat: only a partial line (at most `maxLineBytes`) and the last event
 * line with its stack trace (at most 4 KiB) are held between chunks.
 */
import { isUtf8 } from "node:buffer";
import { hasDatePrefix, isContinuation, malformed, parseTimestampedLine, TS_LEN } from "./line";
import type { EventLine, LogItem, LogParserOptions } from "./types";

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
export const MAX_STACK_CHARS = 4096;
const EXCERPT_BYTES = 480; // enough bytes for a 120-character excerpt
/** Physical lines one gateway line may span (its message's newlines, plus one). */
const MAX_CUT_PARTS = 8;

export class LogLineParser {
  /** Bytes consumed so far (all chunks pushed). */
  bytesRead = 0;
  private readonly maxLineBytes: number;
  private lineNo = 0;
  /** File offset of the start of the next line. */
  private lineOffset = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  private carryOverlong = false;
  /** The last event line: held until we know no stack trace follows it. */
  private pending: EventLine | null = null;
  private stack: string[] = [];
  private stackChars = 0;
  /**
   * The line above may be continued: it is an event, record or console line, or a continuation of one.
   * Stats lines never span lines; a malformed line ends any trace.
   */
  private continuable = false;
  /**
   * A gateway line cut short by a newline inside its error message (OpenSSL's errors end in one: `…SSL alert number
   * 116\n][ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED][95]`): held until the next lines say whether they finish it.
   */
  private cut: { text: string; lineNo: number; offset: number; length: number; parts: number } | null = null;

  constructor(opts: LogParserOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Uint8Array): LogItem[] {
    const out: LogItem[] = [];
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.bytesRead += buf.length;
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = buf.indexOf(10);
      if (nl === -1) {
        this.appendCarry(buf);
        return out;
      }
      this.appendCarry(buf.subarray(0, nl));
      this.finishCarry(1, out);
      pos = nl + 1;
    }
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) {
        this.appendCarry(buf.subarray(pos));
        break;
      }
      this.line(buf, pos, nl, 1, out);
      pos = nl + 1;
    }
    return out;
  }

  end(): LogItem[] {
    const out: LogItem[] = [];
    if (this.carryLen > 0) this.finishCarry(0, out);
    this.flushCut(out);
    this.flushPending(out);
    return out;
  }

  /** Emits a held cut line that nothing finished, as the malformed line it is. */
  private flushCut(out: LogItem[]): void {
    const c = this.cut;
    if (c === null) return;
    this.cut = null;
    out.push(malformed(c.lineNo, c.offset, c.length, "wrong bracket count", c.text));
  }

  private appendCarry(piece: Buffer): void {
    if (piece.length === 0) return;
    this.carryLen += piece.length;
    if (this.carryOverlong) return;
    if (this.carryLen > this.maxLineBytes + 1) {
      // Keep only the head for the excerpt; count the rest without storing it.
      this.carryOverlong = true;
      const head = Buffer.concat([...this.carry, piece]).subarray(0, EXCERPT_BYTES);
      this.carry = [Buffer.from(head)];
      return;
    }
    this.carry.push(Buffer.from(piece)); // copy: the source may reuse its chunk buffer
  }

  private finishCarry(termLen: number, out: LogItem[]): void {
    const len = this.carryLen;
    const b = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry);
    const overlong = this.carryOverlong;
    this.carry = [];
    this.carryLen = 0;
    this.carryOverlong = false;
    if (overlong) {
      this.flushPending(out);
      this.lineNo++;
      out.push(malformed(this.lineNo, this.lineOffset, len + termLen, "line too long", b.toString("utf8")));
      this.lineOffset += len + termLen;
      return;
    }
    this.line(b, 0, b.length, termLen, out);
  }

  /** One physical line: bytes [s, e) of b, followed by termLen terminator bytes. */
  private line(b: Buffer, s: number, e: number, termLen: number, out: LogItem[]): void {
    const lineNo = ++this.lineNo;
    const offset = this.lineOffset;
    let length = e - s;
    if (e > s && b[e - 1] === 13) {
      e--;
      // When the LF came in a later chunk the CR is still part of the carried bytes.
    }
    length += termLen;
    this.lineOffset += length;
    const n = e - s;
    if (n === 0) return; // blank line: nothing to report
    if (n > this.maxLineBytes) {
      this.flushPending(out);
      out.push(malformed(lineNo, offset, length, "line too long", b.toString("utf8", s, s + EXCERPT_BYTES)));
      return;
    }
    const l = b.toString("utf8", s, e);
    if (this.cut !== null) {
      const c = this.cut;
      if (!hasDatePrefix(l) && c.parts < MAX_CUT_PARTS && l.indexOf("\u0000") === -1) {
        const text = `${c.text}\n${l}`;
        const item = parseTimestampedLine(text, c.lineNo, c.offset, c.length + length);
        if (item.kind === "malformed" && item.reason === "wrong bracket count" && !text.endsWith("]")) {
          this.cut = { ...c, text, length: c.length + length, parts: c.parts + 1 };
          return;
        }
        this.cut = null;
        this.emit(item, out);
        return;
      }
      this.flushCut(out);
    }
    if (l.indexOf("\u0000") !== -1) {
      this.flushPending(out);
      out.push(malformed(lineNo, offset, length, "binary", l));
      return;
    }
    if (l.indexOf("\uFFFD") !== -1 && !isUtf8(b.subarray(s, e))) {
      this.flushPending(out);
      out.push(malformed(lineNo, offset, length, "invalid utf-8", l));
      return;
    }
    if (!hasDatePrefix(l)) {
      if (this.continuable && isContinuation(l)) {
        // An event keeps its trace; a record's or console line's continuation has no field to go to.
        if (this.pending !== null) this.addStack(l);
        return;
      }
      this.flushPending(out); // a line that is not the gateway's ends any trace, and is a row of its own
      out.push(malformed(lineNo, offset, length, "no timestamp", l));
      return;
    }
    this.flushPending(out);
    const item = parseTimestampedLine(l, lineNo, offset, length);
    if (item.kind === "malformed" && item.reason === "wrong bracket count" && l.charCodeAt(TS_LEN + 1) === 91) {
      this.cut = { text: l, lineNo, offset, length, parts: 1 };
      return;
    }
    this.emit(item, out);
  }

  private emit(item: LogItem, out: LogItem[]): void {
    this.continuable = item.kind === "event" || item.kind === "record" || item.kind === "console";
    if (item.kind === "event") this.pending = item;
    else out.push(item);
  }

  private addStack(l: string): void {
    if (this.stackChars >= MAX_STACK_CHARS) return;
    this.stack.push(l);
    this.stackChars += l.length + 1;
  }

  /** Emits the held event line; called before any other line is emitted, so nothing after continues it. */
  private flushPending(out: LogItem[]): void {
    this.continuable = false;
    const p = this.pending;
    if (p === null) return;
    if (this.stack.length > 0) {
      const s = this.stack.join("\n");
      p.stack = s.length > MAX_STACK_CHARS ? s.slice(0, MAX_STACK_CHARS) : s;
      this.stack = [];
      this.stackChars = 0;
    }
    this.pending = null;
    out.push(p);
  }
}

/** Parses a byte stream; yields the (non-empty) batch of items completed by each chunk, then the tail. */
export async function* parseLog(source: AsyncIterable<Uint8Array>, opts?: LogParserOptions): AsyncGenerator<LogItem[]> {
  const p = new LogLineParser(opts);
  for await (const chunk of source) {
    const items = p.push(chunk);
    if (items.length > 0) yield items;
  }
  const tail = p.end();
  if (tail.length > 0) yield tail;
}
