/** Incremental HTTP/1.x message framing over one direction's byte stream. Reads heads, skips bodies. */
import { redactInline } from "@/lib/redact";

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
   * A response head whose status line begins `HTTP/` but is not `HTTP/1.x NNN` (e.g. `HTTP/1.1 abc OK`): Node's
   * HTTP parser rejects it (HPE_INVALID_STATUS and kin). The stream is lost after it.
   */
  invalid?(firstLine: string): void;
}

/** Longest message head we buffer before giving up on the stream. */
export const MAX_HEAD_BYTES = 64 * 1024;

type State = "head" | "body" | "chunk-line" | "chunk-data" | "trailer" | "until-close" | "lost";
const METHOD_RE = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]$/;
const STATUS_RE = /^HTTP\/1\.[01] (\d{3})/;

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

  private readHead(b: Uint8Array, i: number): number {
    if (this.headLen === 0) while (i < b.length && (b[i] === 13 || b[i] === 10)) i++;
    for (; i < b.length; i++) {
      const c = b[i];
      if (this.headLen === this.head.length) {
        if (this.headLen >= MAX_HEAD_BYTES) {
          this.state = "lost";
          return b.length;
        }
        const bigger = new Uint8Array(this.head.length * 2);
        bigger.set(this.head);
        this.head = bigger;
      }
      this.head[this.headLen++] = c;
      const n = this.headLen;
      if (
        c === 10 &&
        ((n >= 2 && this.head[n - 2] === 10) || (n >= 4 && this.head[n - 2] === 13 && this.head[n - 3] === 10))
      ) {
        this.parseHead(Buffer.from(this.head.buffer, 0, n).toString("latin1"));
        this.headLen = 0;
        return i + 1;
      }
    }
    return i;
  }

  private parseHead(text: string): void {
    const lines = text.split(/\r?\n/);
    const first = lines[0];
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
        this.state = "lost";
        // Only what begins like a status line: other bytes may be a capture that starts inside a body.
        // What follows `HTTP/` is the target's, whatever it is: redacted like a request path before anything keeps it.
        if (first.startsWith("HTTP/")) this.ev.invalid?.(redactInline(first.slice(0, 80)));
        return;
      }
      h.status = Number(m[1]);
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
    for (let k = 1; k < lines.length; k++) {
      const ln = lines[k];
      const colon = ln.indexOf(":");
      if (colon <= 0) continue;
      const name = ln.slice(0, colon).trim().toLowerCase();
      const value = ln.slice(colon + 1).trim();
      if (name === "content-length") h.contentLength = Number(value);
      else if (name === "transfer-encoding") h.chunked = /chunked/i.test(value);
      else if (name === "connection") h.connection = value;
      else if (name === "keep-alive") {
        const t = /timeout\s*=\s*(\d+)/i.exec(value);
        if (t) h.keepAliveTimeoutS = Number(t[1]);
      }
    }
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

  private finish(): void {
    this.state = "head";
    this.ev.done();
  }
}
