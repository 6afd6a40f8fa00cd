import { SAMPLE_DIR } from "@/lib/testing/samples";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LogLineParser, parseLog } from "./parse";
import type { ConsoleLine, EventLine, LogItem, MalformedLine, RecordLine, StatsLine } from "./types";

const sampleName = existsSync(SAMPLE_DIR)
  ? readdirSync(SAMPLE_DIR).find((f) => f.startsWith("edgemicro-gw01-") && f.endsWith(".log"))
  : undefined;

function parseAll(input: Buffer | string, opts?: { maxLineBytes?: number }): LogItem[] {
  const p = new LogLineParser(opts);
  const out = p.push(typeof input === "string" ? Buffer.from(input) : input);
  return out.concat(p.end());
}

const LAB_CERT = path.join(import.meta.dirname, "../../analysis/__fixtures__/lab/tls-client-cert");
const TS = "2026-11-23T19:33:57.874Z";
const EV_502 =
  `${TS} [error][127.0.0.1:28000][7600][acme][prod][emg_badtarget/items/2][127.0.0.1][demo-client]` +
  `[14a95568-eac9-4826-8972-95527389bce5][microgateway-core][][GET][502][socket hang up][ECONNRESET][]`;
const STATS =
  `${TS} stats 7600 treqErrors=1, tresErrors=2, statusCodes={1=0, 2=18, 3=0, 4=1, 5=6}, ` +
  `requests=25, responses=24, connections=3, rss=12345, cpu=[1, 2]`;

describe.skipIf(!sampleName)("real sample acme-prod-502", () => {
  const file = path.join(SAMPLE_DIR, sampleName ?? "");
  const buf = sampleName ? readFileSync(file) : Buffer.alloc(0);

  it("classifies every line", () => {
    const items = parseAll(buf);
    // grep -c '' FILE  -> 123
    expect(items.length).toBe(123);
    // grep -c '^[0-9T:.Z-]* \[' FILE  -> 122
    expect(items.filter((i) => i.kind === "event").length).toBe(122);
    expect(items.filter((i) => i.kind === "malformed").length).toBe(0);
    const rec = items[0] as RecordLine;
    expect(rec.kind).toBe("record");
    expect(rec.level).toBe("info");
    expect(rec.pid).toBe("7600");
    expect(rec.text).toBe("7a1f352d-0193-470c-9c2b-a8b70c7bfa67 edge micro listening on port 28000");
    expect({ ...rec.fields }).toEqual({
      uid: "7a1f352d-0193-470c-9c2b-a8b70c7bfa67",
      port: "28000",
      err: "undefined",
      component: "microgateway",
    });
    expect(rec.ts).toBe(Date.parse("2026-11-23T19:33:55.775Z"));
    // awk 'NR==1{print length($0)+1}' FILE  -> 199
    expect(rec.length).toBe(199);
    expect(items[1].offset).toBe(199);
    const last = items[items.length - 1];
    expect(last.offset + last.length).toBe(buf.length); // wc -c FILE -> 25570
    expect(buf.length).toBe(25570);
  });

  it("reads the 502 lines", () => {
    const ev = parseAll(buf).filter((i): i is EventLine => i.kind === "event");
    const e502 = ev.filter((e) => e.status === 502);
    // grep -c '\]\[502\]\[' FILE  -> 3
    expect(e502.length).toBe(3);
    // grep '\]\[502\]\[' FILE | cut -c1-24 -> 19:33:57.874Z, 19:34:06.147Z, 19:34:20.895Z
    expect(e502.map((e) => new Date(e.ts).toISOString())).toEqual([
      "2026-11-23T19:33:57.874Z",
      "2026-11-23T19:34:06.147Z",
      "2026-11-23T19:34:20.895Z",
    ]);
    for (const e of e502) {
      expect(e).toMatchObject({
        level: "error",
        host: "127.0.0.1:28000",
        pid: "7600",
        org: "acme",
        env: "prod",
        clientIp: "127.0.0.1",
        clientId: "demo-client",
        component: "microgateway-core",
        message: "",
        method: "GET",
        errMessage: "socket hang up",
        errCode: "ECONNRESET",
        durationMs: null,
        stack: null,
      });
    }
    // grep -c '\]\[targetRequest\]\[' FILE  -> 25
    expect(ev.filter((e) => e.message === "targetRequest").length).toBe(25);
    // grep -c 'targetResponse close' FILE -> 22
    expect(ev.filter((e) => e.message === "targetResponse close").length).toBe(22);
    const tre = ev.filter((e) => e.message === "targetRequest error");
    expect(tre.map((e) => e.host)).toEqual(["127.0.0.1:28081", "127.0.0.1:28081", "127.0.0.1:28081"]);
    expect(tre[0].durationMs).toBe(4);
  });

  it("gives the same items whatever the chunking", async () => {
    const whole = parseAll(buf);
    async function* chunks(size: number) {
      for (let i = 0; i < buf.length; i += size) yield new Uint8Array(buf.subarray(i, i + size));
    }
    for (const size of [1, 7, 64, 4096]) {
      const got: LogItem[] = [];
      for await (const batch of parseLog(chunks(size))) got.push(...batch);
      expect(got).toEqual(whole);
    }
  });
});

describe("LogLineParser synthetic", () => {
  it("empty input", () => {
    const p = new LogLineParser();
    expect(p.push(new Uint8Array(0))).toEqual([]);
    expect(p.end()).toEqual([]);
    expect(p.bytesRead).toBe(0);
  });

  it("parses an event line with all fields", () => {
    const [e] = parseAll(EV_502 + "\n") as EventLine[];
    expect(e).toMatchObject({
      kind: "event",
      lineNo: 1,
      offset: 0,
      length: EV_502.length + 1,
      ts: Date.parse(TS),
      level: "error",
      correlationId: "14a95568-eac9-4826-8972-95527389bce5",
      url: "emg_badtarget/items/2",
      status: 502,
    });
  });

  it("keeps a URL holding '][' intact", () => {
    const line = EV_502.replace("emg_badtarget/items/2", "x?q=a][b");
    const [e] = parseAll(line) as EventLine[];
    expect(e.url).toBe("x?q=a][b");
    expect(e.status).toBe(502);
  });

  it("stats lines", () => {
    const [s] = parseAll(STATS) as StatsLine[];
    expect(s).toMatchObject({
      kind: "stats",
      pid: "7600",
      treqErrors: 1,
      tresErrors: 2,
      requests: 25,
      responses: 24,
      connections: 3,
      statusCodes: { s1: 0, s2: 18, s3: 0, s4: 1, s5: 6 },
    });
  });

  it("console lines", () => {
    const [c] = parseAll(`${TS} [3] [microgateway-core] worker started, port 8000`) as ConsoleLine[];
    expect(c).toMatchObject({
      kind: "console",
      pid: "3",
      component: "microgateway-core",
      text: "worker started, port 8000",
    });
  });

  it("attaches a stack trace to the preceding event line", () => {
    const text = `${EV_502}\nError: socket hang up\n    at connResetException (node:internal/errors:720:14)\n${STATS}\n`;
    const items = parseAll(text);
    expect(items.map((i) => i.kind)).toEqual(["event", "stats"]);
    expect((items[0] as EventLine).stack).toBe(
      "Error: socket hang up\n    at connResetException (node:internal/errors:720:14)",
    );
    expect(items[1].lineNo).toBe(4);
  });

  it("truncates long stack traces to 4 KiB", () => {
    const frame = "    at f (/x/" + "a".repeat(100) + ".js:1:1)";
    const items = parseAll(EV_502 + "\n" + Array(200).fill(frame).join("\n"));
    expect(items.length).toBe(1);
    expect((items[0] as EventLine).stack?.length).toBe(4096);
  });

  it("continuation without an event is malformed", () => {
    const items = parseAll(`${STATS}\n    at foo\n`) as MalformedLine[];
    expect(items[1]).toMatchObject({ kind: "malformed", reason: "no timestamp", lineNo: 2, excerpt: "    at foo" });
  });

  it("CRLF line endings", () => {
    const items = parseAll(`${EV_502}\r\n${STATS}\r\n`);
    expect(items.map((i) => i.kind)).toEqual(["event", "stats"]);
    expect((items[0] as EventLine).durationMs).toBeNull();
    expect((items[0] as EventLine).errCode).toBe("ECONNRESET");
    expect(items[0].length).toBe(EV_502.length + 2);
    expect(items[1].offset).toBe(EV_502.length + 2);
  });

  it("a line split across chunks at every offset", () => {
    const text = Buffer.from(`${STATS}\r\n${EV_502}\r\n    at x\r\n${TS} [3] [c] hi`);
    const whole = parseAll(text);
    expect(whole.length).toBe(3);
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new LogLineParser();
      const got = [...p.push(text.subarray(0, cut)), ...p.push(text.subarray(cut)), ...p.end()];
      expect(got).toEqual(whole);
      expect(p.bytesRead).toBe(text.length);
    }
  });

  it("bad dates and bracket counts", () => {
    const items = parseAll(
      `2026-13-01T00:00:00.000Z info 1 x\n2026-02-29T00:00:00.000Z info 1 x\n${TS} [error][a][b]\n2026-11-23 19:00 x\n`,
    ) as MalformedLine[];
    expect(items.map((i) => i.reason)).toEqual(["bad date", "bad date", "wrong bracket count", "bad date"]);
  });

  it("joins a line whose error message ends in a newline (OpenSSL's) with the line that finishes it", () => {
    // Recorded (lab tls-client-cert: a target requiring a client certificate): 400 physical lines, 346 opening with a
    // time stamp, 54 with `][` (grep -c '^\]\[' LOG) — each the end of an error line whose message ends
    // `SSL alert number 116\n`, 2 per failed request (targetRequest error and the gateway's 502: 27 of each).
    const file = readdirSync(LAB_CERT).find((f) => f.endsWith(".log"))!;
    const items = parseAll(readFileSync(path.join(LAB_CERT, file)));
    expect(items.filter((i) => i.kind === "malformed")).toEqual([]);
    expect(items).toHaveLength(346);
    const ssl = items.filter(
      (i): i is EventLine => i.kind === "event" && i.errCode === "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
    );
    expect(ssl).toHaveLength(54);
    expect(ssl.filter((e) => e.message === "targetRequest error")).toHaveLength(27);
    expect(ssl.filter((e) => e.status === 502)).toHaveLength(27);
    expect(ssl[0].errMessage).toMatch(/tlsv13 alert certificate required:.*SSL alert number 116\n$/);
    // The target request's line ends with its duration; the gateway's 502 line leaves that field empty.
    expect(ssl.filter((e) => e.durationMs !== null).map((e) => e.message)).toEqual(
      Array(27).fill("targetRequest error"),
    );
    // Nothing finishes a cut line: it stays the malformed line it is, and the next line is read on its own.
    const [cut, next] = parseAll(`${EV_502.slice(0, -10)}\n${EV_502}\n`);
    expect([cut.kind, next.kind]).toEqual(["malformed", "event"]);
  });

  it("a NUL-filled binary chunk", () => {
    const bin = Buffer.alloc(5000);
    const p = new LogLineParser();
    const items = [
      ...p.push(Buffer.from(STATS + "\n")),
      ...p.push(bin),
      ...p.push(Buffer.from("\n" + STATS)),
      ...p.end(),
    ];
    expect(items.map((i) => i.kind)).toEqual(["stats", "malformed", "stats"]);
    const m = items[1] as MalformedLine;
    expect(m.reason).toBe("binary");
    expect(m.length).toBe(5001);
    expect(m.excerpt).toBe("\uFFFD".repeat(120));
  });

  it("invalid UTF-8", () => {
    const b = Buffer.concat([Buffer.from(`${TS} info 1 bad `), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]);
    expect((parseAll(b)[0] as MalformedLine).reason).toBe("invalid utf-8");
    const ok = parseAll(`${TS} info 1 caf\u00e9 k=v`)[0] as RecordLine;
    expect(ok.text).toBe("caf\u00e9");
  });

  it("an over-long line, whole or across chunks, without buffering it", () => {
    const long = `${TS} info 1 ` + "x".repeat(3000);
    const text = Buffer.from(`${STATS}\n${long}\n${STATS}\n`);
    const whole = parseAll(text, { maxLineBytes: 1000 });
    expect(whole.map((i) => i.kind)).toEqual(["stats", "malformed", "stats"]);
    expect(whole[1]).toMatchObject({ reason: "line too long", length: long.length + 1, lineNo: 2 });
    expect((whole[1] as MalformedLine).excerpt).toBe(long.slice(0, 120));
    const p = new LogLineParser({ maxLineBytes: 1000 });
    const got: LogItem[] = [];
    for (let i = 0; i < text.length; i += 100) got.push(...p.push(text.subarray(i, i + 100)));
    got.push(...p.end());
    expect(got).toEqual(whole);
  });

  it("parses 100k event lines (25 MB) in 1 MiB-ish chunks without losing one", () => {
    const block = Buffer.from(Array(2000).fill(EV_502.replace("[][]", "[][] ")).join("\n") + "\n");
    const chunks = Array(50).fill(block) as Buffer[]; // ~25 MB
    const p = new LogLineParser();
    let n = 0;
    for (const c of chunks) n += p.push(c).length;
    n += p.end().length;
    // Speed is measured by `npm run bench`, not asserted here.
    expect(n).toBe(100_000);
  });
});
