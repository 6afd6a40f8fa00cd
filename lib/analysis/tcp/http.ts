/** Incremental HTTP/1.x message framing over one direction's byte stream. Reads heads, skips bodies. */
import { redactInline } from "@/lib/redact";
import {
  framingFault,
  lineFault,
  NODE_MAX_HEADER_BYTES,
  nodeHeaderBytes,
  oversizedHead,
  STATUS_RE,
} from "./http-faults";

export { NODE_MAX_HEADER_BYTES };

export interface HttpHead {
  method: string | null;
  path: string | null;
  status: number | null;
  connection: string | null;
  keepAliveTimeoutS: number | null;
  contentLength: number | null;
  chunked: boolean;
}

export interface HttpEvents {
  /** A message head was read; return true when the message has no body (e.g. answer to HEAD). */
  head(h: HttpHead): boolean;
  /** The current message (head + body) is complete. */
  done(): void;
  /**
   * A response head Node's HTTP parser rejects: a status line that begins `HTTP/` but is not `HTTP/1.x NNN` (e.g.
   * `HTTP/1.1 abc OK`: HPE_INVALID_STATUS and kin), a head over its size limit (HPE_HEADER_OVERFLOW), header lines or
   * framing it refuses (http-faults.ts). The stream is lost after it.
   */
  invalid?(firstLine: string): void;
}

/** Longest message head we buffer before giving up on the stream. */
export const MAX_HEAD_BYTES = 64 * 1024;

type State = "head" | "body" | "chunk-line" | "chunk-data" | "trailer" | "until-close" | "lost";
const METHOD_RE = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]$/;

export class HttpStream {
  private state: State = "head";
  private head = new Uint8Array(1024);
  private headLen = 0;
  private remaining = 0;
  private line = "";

  constructor(
    private readonly isResponse: boolean,
    private readonly ev: HttpEvents,
  ) {}

  /** Consume in-order bytes. */
  data(b: Uint8Array): void {
    let i = 0;
    if (this.state === "lost") {
      if (!this.looksLikeStart(b)) return;
      this.state = "head";
      this.headLen = 0;
    }
    while (i < b.length) {
      switch (this.state) {
        case "head":
          i = this.readHead(b, i);
          break;
        case "body": {
          const n = Math.min(this.remaining, b.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finish();
          break;
        }
        case "chunk-data": {
          const n = Math.min(this.remaining, b.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = "chunk-line";
          break;
        }
        case "chunk-line":
        case "trailer": {
          const c = b[i++];
          if (c !== 10) {
            if (this.line.length < 1024) this.line += String.fromCharCode(c);
            break;
          }
          const ln = this.line.trim();
          this.line = "";
          if (this.state === "trailer") {
            if (ln === "") this.finish();
            break;
          }
          const size = parseInt(ln.split(";")[0], 16);
          if (!Number.isFinite(size)) {
            this.state = "lost";
            return;
          }
          if (size === 0) this.state = "trailer";
          else {
            this.remaining = size + 2;
            this.state = "chunk-data";
          }
          break;
        }
        case "until-close":
          return;
        default:
          return;
      }
    }
  }

  /** `len` bytes are missing from the stream. Bodies of known length survive; anything else is lost. */
  gap(len: number): void {
    if ((this.state === "body" || this.state === "chunk-data") && this.remaining >= len) {
      this.remaining -= len;
      if (this.remaining === 0) {
        if (this.state === "body") this.finish();
        else this.state = "chunk-line";
      }
    } else if (this.state !== "until-close") {
      this.state = "lost";
    }
  }

  /** The sender closed its side: a read-until-close body ends here. */
  close(): void {
    if (this.state === "until-close") this.finish();
  }

  private looksLikeStart(b: Uint8Array): boolean {
    const s = String.fromCharCode(...b.subarray(0, 12));
    return this.isResponse ? s.startsWith("HTTP/1.") : /^[A-Z]{3,10} \//.test(s);
  }

  /**
   * Finds the blank line that ends a head (the native `indexOf` per line, no loop per byte: a capture holds millions
   * of heads). A head inside one chunk is decoded from it; one split across chunks is buffered until it ends.
   */
  private readHead(b: Uint8Array, i: number): number {
    if (this.headLen === 0) while (i < b.length && (b[i] === 13 || b[i] === 10)) i++;
    const start = i;
    // The byte at k, taken from the head buffered so far when k lies before `start`; undefined before the head.
    const before = (k: number) => (k >= start ? b[k] : this.head[this.headLen - (start - k)]);
    for (let nl = indexOf.call(b, 10, start); nl >= 0; nl = indexOf.call(b, 10, nl + 1)) {
      if (before(nl - 1) !== 10 && !(before(nl - 1) === 13 && before(nl - 2) === 10)) continue;
      const n = this.headLen + nl + 1 - start;
      if (n > MAX_HEAD_BYTES) break;
      if (this.headLen === 0) this.parseHead(latin1(b, start, n));
      else {
        this.buffer(b.subarray(start, nl + 1));
        this.parseHead(latin1(this.head, 0, n));
      }
      this.headLen = 0;
      return nl + 1;
    }
    if (this.headLen + b.length - start > MAX_HEAD_BYTES) {
      this.state = "lost";
      // A response head that long is one Node's parser refused long before its end.
      const text = this.headLen ? latin1(this.head, 0, Math.min(this.headLen, 200)) : latin1(b, start, 200);
      const first = withoutCr(text.split("\n")[0]);
      if (this.isResponse && STATUS_RE.test(first)) this.refuse(first, oversizedHead(MAX_HEAD_BYTES, true));
      return b.length;
    }
    this.buffer(b.subarray(start));
    return b.length;
  }

  private buffer(bytes: Uint8Array): void {
    const n = this.headLen + bytes.length;
    if (n > this.head.length) {
      const bigger = new Uint8Array(Math.min(MAX_HEAD_BYTES, Math.max(n, this.head.length * 2)));
      bigger.set(this.head.subarray(0, this.headLen));
      this.head = bigger;
    }
    this.head.set(bytes, this.headLen);
    this.headLen = n;
  }

  private parseHead(text: string): void {
    const firstEnd = text.indexOf("\n");
    const first = withoutCr(text.slice(0, firstEnd));
    const h: HttpHead = {
      method: null,
      path: null,
      status: null,
      connection: null,
      keepAliveTimeoutS: null,
      contentLength: null,
      chunked: false,
    };
    if (this.isResponse) {
      const m = STATUS_RE.exec(first);
      if (!m) {
        // Only what begins like a status line: other bytes may be a capture that starts inside a body.
        if (first.startsWith("HTTP/")) return this.refuse(first, null);
        this.state = "lost";
        return;
      }
      h.status = Number(m[1]);
      const size = text.length >= NODE_MAX_HEADER_BYTES ? nodeHeaderBytes(first, text, firstEnd) : 0;
      const fault = size >= NODE_MAX_HEADER_BYTES ? oversizedHead(size) : lineFault(text, firstEnd);
      if (fault) return this.refuse(first, fault);
    } else {
      if (!METHOD_RE.test(first)) {
        this.state = "lost";
        return;
      }
      const parts = first.split(" ");
      h.method = parts[0];
      // Query strings carry API keys and tokens: the path is redacted before anything stores or shows it.
      h.path = redactInline(parts[1]);
    }
    // Line by line without splitting the head; the names read are 10 characters or more, so shorter lines are skipped.
    let contentLengths = 0;
    let firstContentLength: string | null = null;
    let transferEncodingAt = -1; // how many Content-Lengths came before Transfer-Encoding
    let colon = -1;
    for (let from = firstEnd + 1; from < text.length;) {
      const to = text.indexOf("\n", from);
      if (colon < from) colon = text.indexOf(":", from);
      if (colon < 0) break;
      if (colon - from >= 10 && colon < to) {
        const name = text.slice(from, colon).trim().toLowerCase();
        const value = text.slice(colon + 1, to).trim();
        if (name === "content-length") {
          h.contentLength = Number(value);
          if (contentLengths++ === 0) firstContentLength = value;
        } else if (name === "transfer-encoding") {
          h.chunked = /chunked/i.test(value);
          if (transferEncodingAt < 0) transferEncodingAt = contentLengths;
        } else if (name === "connection") h.connection = value;
        else if (name === "keep-alive") {
          const t = /timeout\s*=\s*(\d+)/i.exec(value);
          if (t) h.keepAliveTimeoutS = Number(t[1]);
        }
      }
      from = to + 1;
    }
    const fault = this.isResponse
      ? framingFault({
          contentLengths,
          contentLength: firstContentLength,
          transferEncoding: transferEncodingAt >= 0,
          transferEncodingFirst: transferEncodingAt === 0,
        })
      : null;
    if (fault) return this.refuse(first, fault);
    const noBody = this.ev.head(h);
    const s = h.status ?? 0;
    if (noBody || (s >= 100 && s < 200) || s === 204 || s === 304) this.finish();
    else if (h.chunked) this.state = "chunk-line";
    else if (h.contentLength !== null && Number.isFinite(h.contentLength) && h.contentLength >= 0) {
      this.remaining = h.contentLength;
      if (this.remaining === 0) this.finish();
      else this.state = "body";
    } else if (this.isResponse) this.state = "until-close";
    else this.finish();
  }

  /**
   * A response head Node's parser refuses: the gateway answers 502 and closes; the stream is lost after it. The status
   * line is the target's, whatever it holds: redacted like a request path before anything keeps it.
   */
  private refuse(first: string, why: string | null): void {
    this.state = "lost";
    this.ev.invalid?.(`${redactInline(first.slice(0, 80))}${why ? ` (${why})` : ""}`);
  }

  private finish(): void {
    this.state = "head";
    this.ev.done();
  }
}

const indexOf = Uint8Array.prototype.indexOf;
const latin1 = (b: Uint8Array, at: number, n: number) => Buffer.from(b.buffer, b.byteOffset + at, n).toString("latin1");
const withoutCr = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);
