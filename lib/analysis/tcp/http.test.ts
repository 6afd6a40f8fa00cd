import { describe, expect, it } from "vitest";
import { HttpStream, MAX_HEAD_BYTES, NODE_MAX_HEADER_BYTES, type HttpHead } from "./http";

/** Feeds `bytes` in the given pieces; returns what the stream reported, in order. */
function read(isResponse: boolean, pieces: Uint8Array[]) {
  const seen: Array<HttpHead | "done" | string> = [];
  const s = new HttpStream(isResponse, {
    head: (h) => {
      seen.push(h);
      return false;
    },
    done: () => seen.push("done"),
    invalid: (line) => seen.push(`invalid ${line}`),
  });
  for (const p of pieces) s.data(p);
  return seen;
}

const bytes = (s: string) => Buffer.from(s, "latin1");
const head = (over: Partial<HttpHead>): HttpHead => ({
  method: null,
  path: null,
  status: null,
  connection: null,
  keepAliveTimeoutS: null,
  contentLength: null,
  chunked: false,
  ...over,
});

// Three answers on one keep-alive connection: a sized body, a chunked one (with a trailer), and one whose head ends
// in bare LFs, which Node's parser (the gateway's) refuses, so the stream is lost after it.
const ANSWERS =
  "HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\nCONTENT-LENGTH: 5\r\n" +
  "Connection: keep-alive\r\nKeep-Alive: timeout=5, max=100\r\n\r\nhello" +
  "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Connection: close\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n" +
  "HTTP/1.0 404 Not Found\nContent-Length   : 2\nconnection: close\n\nno";
const EXPECTED = [
  head({ status: 200, contentLength: 5, connection: "keep-alive", keepAliveTimeoutS: 5 }),
  "done",
  head({ status: 201, chunked: true }),
  "done",
  "invalid HTTP/1.0 404 Not Found (a line ended by LF alone, not CRLF: HPE_CR_EXPECTED)",
];

describe("HttpStream", () => {
  it("reads heads, sized and chunked bodies, and reports a head ended by bare LFs", () => {
    expect(read(true, [bytes(ANSWERS)])).toEqual(EXPECTED);
  });

  it("reads the same wherever the segments split the bytes (one split, then every byte alone)", () => {
    const all = bytes(ANSWERS);
    for (let at = 1; at < all.length; at++)
      expect(read(true, [all.subarray(0, at), all.subarray(at)]), `split at ${at}`).toEqual(EXPECTED);
    expect(
      read(
        true,
        [...all].map((b) => Uint8Array.of(b)),
      ),
    ).toEqual(EXPECTED);
  });

  it("reads a request's method and path, the query redacted, and skips blank lines between messages", () => {
    const req =
      "\r\nGET /v1/orders?apikey=abc123secretvalue HTTP/1.1\r\nHost: t\r\n\r\nPOST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
    const seen = read(false, [bytes(req)]);
    expect(seen.filter((e) => e !== "done").map((h) => [(h as HttpHead).method, (h as HttpHead).path])).toEqual([
      ["GET", expect.not.stringContaining("abc123secretvalue")],
      ["POST", "/x"],
    ]);
    expect(seen.filter((e) => e === "done")).toHaveLength(2);
  });

  it("takes a head of MAX_HEAD_BYTES and gives up on a longer one, also when it comes in pieces", () => {
    const first = "GET /a HTTP/1.1\r\nContent-Length: 0\r\nX-Pad: ";
    const fill = (total: number) => first + "p".repeat(total - first.length - 4) + "\r\n\r\n";
    const fits = bytes(fill(MAX_HEAD_BYTES));
    const over = bytes(fill(MAX_HEAD_BYTES + 1));
    expect(fits.length).toBe(MAX_HEAD_BYTES);
    for (const pieces of [[fits], [fits.subarray(0, 1000), fits.subarray(1000)]])
      expect(read(false, pieces)).toEqual([head({ method: "GET", path: "/a", contentLength: 0 }), "done"]);
    for (const pieces of [[over], [over.subarray(0, 1000), over.subarray(1000)]])
      expect(read(false, pieces)).toEqual([]);
    // Lost, it waits for a segment that starts like a request.
    const next = bytes("GET /b HTTP/1.1\r\n\r\n");
    expect(read(false, [over, next])).toEqual([head({ method: "GET", path: "/b" }), "done"]);
  });

  // The limit measured on Node 20.20.2 (see NODE_MAX_HEADER_BYTES): the phrase and the names and values count.
  it("reports a response head Node's parser refuses as too large, and takes one a byte smaller", () => {
    const response = (counted: number) => {
      const fixed = "OK".length + "Content-Length".length + "0".length + "Set-Cookie".length;
      return bytes(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\nSet-Cookie: ${"c".repeat(counted - fixed)}\r\n\r\n`);
    };
    const fits = response(NODE_MAX_HEADER_BYTES - 1);
    const over = response(NODE_MAX_HEADER_BYTES);
    for (const pieces of [[fits], [fits.subarray(0, 9000), fits.subarray(9000)]])
      expect(read(true, pieces)).toEqual([head({ status: 200, contentLength: 0 }), "done"]);
    for (const pieces of [[over], [over.subarray(0, 9000), over.subarray(9000)]])
      expect(read(true, pieces)).toEqual([
        "invalid HTTP/1.1 200 OK (head of 16,384 bytes of header names and values: over Node's 16 KiB limit, HPE_HEADER_OVERFLOW)",
      ]);
    // Past what the reader buffers, it says so without a count, and waits for the next answer.
    const huge = bytes(`HTTP/1.1 200 OK\r\nSet-Cookie: ${"c".repeat(MAX_HEAD_BYTES)}\r\n\r\n`);
    expect(read(true, [huge, bytes("HTTP/1.1 204 No Content\r\n\r\n")])).toEqual([
      "invalid HTTP/1.1 200 OK (head of more than 65,536 bytes: over Node's 16 KiB limit, HPE_HEADER_OVERFLOW)",
      head({ status: 204 }),
      "done",
    ]);
  });

  it("reports a status line that is not HTTP/1.x NNN", () => {
    expect(read(true, [bytes("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")])).toEqual(["invalid HTTP/1.1 abc OK"]);
  });
});
