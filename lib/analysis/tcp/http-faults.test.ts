import { describe, expect, it } from "vitest";
import { HttpStream } from "./http";

// The gateway's own judge: Node's HTTP parser (llhttp), the one its http client runs, fed each answer's bytes. Only
// `process.binding` exposes it (deprecated, hence the warning kept quiet).
process.noDeprecation = true;
const { HTTPParser } = (
  process as unknown as { binding(name: "http_parser"): { HTTPParser: NodeParserClass } }
).binding("http_parser");
interface NodeParser {
  initialize(kind: number, resource: object): void;
  execute(b: Buffer): number | (Error & { code: string });
  [k: number]: () => number | void;
}
type NodeParserClass = { new (): NodeParser; RESPONSE: number; kOnHeadersComplete: number };

function nodeRefuses(raw: string): string | null {
  const p = new HTTPParser();
  p.initialize(HTTPParser.RESPONSE, {});
  p[HTTPParser.kOnHeadersComplete] = () => 0;
  const r = p.execute(Buffer.from(raw, "latin1"));
  return typeof r === "number" ? null : r.code;
}

function streamRefuses(raw: string): string | null {
  let why: string | null = null;
  const s = new HttpStream(true, { head: () => false, done: () => {}, invalid: (line) => (why = line) });
  s.data(Buffer.from(raw, "latin1"));
  return why;
}

const ok = "HTTP/1.1 200 OK\r\n";
const tail = "Content-Length: 5\r\n\r\nhello";
// Answer heads as targets send them, valid and not; each was also sent by a raw server to `http.get` on Node 20.20.2,
// which refused exactly those llhttp refuses here.
const ANSWERS: Record<string, string> = {
  valid: ok + tail,
  "tab and bytes over 0x7f in a value": `${ok}X-A: a\tb\xe9\r\n${tail}`,
  "no reason phrase": "HTTP/1.1 200\r\n" + tail,
  "phrase with a control character": "HTTP/1.1 200 O\x01K\r\n" + tail,
  "HTTP/1.0": "HTTP/1.0 200 OK\r\n" + tail,
  "HTTP/2.0": "HTTP/2.0 200 OK\r\n" + tail,
  "underscore in a name": `${ok}X_A: 1\r\n${tail}`,
  "Content-Length with a trailing space, leading zeros": `${ok}Content-Length: 005 \r\n\r\nhello`,
  "Transfer-Encoding without Content-Length": `${ok}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  "Content-Length twice, same value": `${ok}${tail.replace("\r\n\r\n", "\r\nContent-Length: 5\r\n\r\n")}`,
  "Content-Length twice, two values": `${ok}Content-Length: 6\r\n${tail}`,
  "Content-Length then Transfer-Encoding": `${ok}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  "Transfer-Encoding then Content-Length": `${ok}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  "Content-Length beside Transfer-Encoding: gzip": `${ok}Content-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello`,
  "Content-Length not a number": `${ok}Content-Length: abc\r\n\r\nhello`,
  "Content-Length negative": `${ok}Content-Length: -1\r\n\r\nhello`,
  "Content-Length past 2⁶⁴": `${ok}Content-Length: 18446744073709551616\r\n\r\nhello`,
  "Content-Length just below 2⁶⁴": `${ok}Content-Length: 18446744073709551615\r\n\r\nhello`,
  "Content-Length `5, 5`": `${ok}Content-Length: 5, 5\r\n\r\nhello`,
  "space in a header name": `${ok}X Powered By: lab\r\n${tail}`,
  "space before the colon": `${ok}Content-Length : 5\r\n\r\nhello`,
  "tab before the colon": `${ok}X-A\t: 1\r\n${tail}`,
  "empty name": `${ok}: x\r\n${tail}`,
  "no colon": `${ok}NoColonHere\r\n${tail}`,
  "a byte over 0x7f in a name": `${ok}X-\xe9: 1\r\n${tail}`,
  "control character in a value": `${ok}X-A: a\x01b\r\n${tail}`,
  "DEL in a value": `${ok}X-A: a\x7fb\r\n${tail}`,
  "folded header": `${ok}X-A: 1\r\n  more\r\n${tail}`,
  "header line starting with a space": `${ok} X-A: 1\r\n${tail}`,
  "bare LF everywhere": "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
  "bare LF after the status line": `HTTP/1.1 200 OK\n${tail}`,
  "bare LF after one header": `${ok}X-A: 1\n${tail}`,
  "bare LF ending the head": `${ok}Content-Length: 5\r\n\nhello`,
  "status of four digits": "HTTP/1.1 2000 OK\r\n" + tail,
  "status without the space": "HTTP/1.1 200OK\r\n" + tail,
  "two spaces before the status": "HTTP/1.1  200 OK\r\n" + tail,
  "HTTP/1.2": "HTTP/1.2 200 OK\r\n" + tail,
};

describe("answers the gateway's parser refuses", () => {
  it("HttpStream refuses exactly the heads Node's own parser refuses", () => {
    const verdicts = Object.entries(ANSWERS).map(([name, raw]) => [name, !!nodeRefuses(raw), !!streamRefuses(raw)]);
    expect(verdicts.filter(([, node, stream]) => node !== stream)).toEqual([]);
    // the corpus holds both
    expect(verdicts.filter(([, node]) => node).length).toBeGreaterThan(20);
    expect(verdicts.filter(([, node]) => !node).length).toBeGreaterThan(8);
  });

  it("names the fault and Node's code", () => {
    const codeOf = (name: string) => /(HPE_[A-Z_]+)\)$/.exec(streamRefuses(ANSWERS[name]) ?? "")?.[1];
    for (const name of [
      "Content-Length twice, same value",
      "Content-Length then Transfer-Encoding",
      "Transfer-Encoding then Content-Length",
      "Content-Length not a number",
      "space in a header name",
      "control character in a value",
      "bare LF after one header",
    ])
      expect(codeOf(name), name).toBe(nodeRefuses(ANSWERS[name]));
    expect(streamRefuses(ANSWERS["space in a header name"])).toBe(
      "HTTP/1.1 200 OK (header name `X Powered By` is not a token: HPE_INVALID_HEADER_TOKEN)",
    );
  });

  it("reads the next answer on the connection after a valid one", () => {
    const heads: Array<number | null> = [];
    const s = new HttpStream(true, { head: (h) => (heads.push(h.status), false), done: () => {} });
    s.data(Buffer.from(ANSWERS["tab and bytes over 0x7f in a value"] + ANSWERS["HTTP/2.0"], "latin1"));
    expect(heads).toEqual([200, 200]);
  });
});
