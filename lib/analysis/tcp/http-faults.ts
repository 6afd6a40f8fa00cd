/**
 * What Node 20's HTTP parser (the gateway's) refuses in a response head that tshark and most tools read as a valid
 * answer. Measured on Node 20.20.2: a raw server answering each shape to `http.get` (docs/formats.md, "Answers the
 * gateway's parser refuses"). Pure.
 */
import { redactInline } from "@/lib/redact";

/**
 * Node's default --max-http-header-size: the reason phrase plus every header's name and value may come to 16,383
 * bytes; one more is HPE_HEADER_OVERFLOW, whatever the number of headers. A gateway started with a larger limit
 * accepts more.
 */
export const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** `HTTP/1.1 200`, then a space or the line's end; Node also takes versions 0.9 and 2.0, no other. */
export const STATUS_RE = /^HTTP\/(?:1\.[01]|2\.0|0\.9) (\d{3})(?= |$)/;

export const oversizedHead = (bytes: number, atLeast = false) =>
  `head of ${atLeast ? "more than " : ""}${bytes.toLocaleString("en-US")} bytes${atLeast ? "" : " of header names and values"}: over Node's 16 KiB limit, HPE_HEADER_OVERFLOW`;

/** What Node's parser counts of a head: the reason phrase, and each header's name and value (no ": ", spaces, CRLF). */
export function nodeHeaderBytes(first: string, text: string, firstEnd: number): number {
  let n = first.replace(STATUS_RE, "").trim().length;
  for (const line of text.slice(firstEnd + 1).split("\n")) {
    const colon = line.indexOf(":");
    n += colon < 0 ? line.trim().length : colon + line.slice(colon + 1).trim().length;
  }
  return n;
}

const TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
const TOKEN = new RegExp(`^${TCHAR}+$`);
// Lines Node takes: a token, its colon, a value of tab, visible ASCII, space or bytes ≥ 0x80; each ended by CRLF.
const VALID_LINES = new RegExp(`^(?:${TCHAR}+:[\\t\\x20-\\x7e\\x80-\\xff]*\\r\\n)*\\r\\n$`);
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Why Node refuses this response head's lines (`text` holds the whole head, its status line ending at `firstEnd`),
 * or null. One regular expression per head: a capture holds millions; the line-by-line reason only for a refused one.
 */
export function lineFault(text: string, firstEnd: number): string | null {
  if (text[firstEnd - 1] === "\r" && VALID_LINES.test(text.slice(firstEnd + 1))) return null;
  if (text[firstEnd - 1] !== "\r") return "a line ended by LF alone, not CRLF: HPE_CR_EXPECTED";
  for (const raw of text
    .slice(firstEnd + 1)
    .split("\n")
    .slice(0, -1)) {
    if (!raw.endsWith("\r")) return "a line ended by LF alone, not CRLF: HPE_CR_EXPECTED";
    const line = raw.slice(0, -1);
    if (line === "") break;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    // The target's bytes: redacted like a request path before anything keeps them.
    if (!TOKEN.test(name))
      return `header name \`${redactInline(name.slice(0, 40))}\` is not a token: HPE_INVALID_HEADER_TOKEN`;
    if (CONTROL.test(line.slice(colon + 1)))
      return `a control character in the value of ${redactInline(name.slice(0, 40))}: HPE_INVALID_HEADER_TOKEN`;
  }
  return "a header line Node's parser refuses: HPE_INVALID_HEADER_TOKEN";
}

/** The framing headers of one response head, as its header loop reads them. */
export interface Framing {
  contentLengths: number;
  /** The first Content-Length's value (trimmed), or null. */
  contentLength: string | null;
  /** Transfer-Encoding came before any Content-Length. */
  transferEncodingFirst: boolean;
  transferEncoding: boolean;
}

/**
 * Why Node refuses this framing, or null: it allows one Content-Length of digits below 2⁶⁴, and never beside
 * Transfer-Encoding.
 */
export function framingFault(f: Framing): string | null {
  if (f.contentLengths > 1) return "Content-Length twice: HPE_UNEXPECTED_CONTENT_LENGTH";
  if (f.contentLength !== null && (!/^\d+$/.test(f.contentLength) || BigInt(f.contentLength) >= 2n ** 64n))
    return `Content-Length \`${redactInline(f.contentLength.slice(0, 20))}\` is not a number: HPE_INVALID_CONTENT_LENGTH`;
  if (f.contentLengths && f.transferEncoding)
    return `Content-Length beside Transfer-Encoding: ${f.transferEncodingFirst ? "HPE_INVALID_CONTENT_LENGTH" : "HPE_INVALID_TRANSFER_ENCODING"}`;
  return null;
}
