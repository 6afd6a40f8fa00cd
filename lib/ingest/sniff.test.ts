import { SAMPLE_DIR } from "@/lib/testing/samples";
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { sniff, sniffFile, type FileKind } from "./sniff";
import { assertDepth, DEFAULT_LIMITS, LimitError, resolveLimits } from "./limits";

const SAMPLES = SAMPLE_DIR;

describe("sniff", () => {
  it("classifies every sample file by content", async () => {
    const expected: Record<string, FileKind> = {
      "acme-prod-config.yaml": "gateway-config",
      "gw01-to-target.pcap": "pcap",
      "README.md": "unknown",
    };
    for (const f of readdirSync(SAMPLES)) {
      const want = expected[f] ?? (f.endsWith(".log") ? "gateway-log" : undefined);
      expect(want, f).toBeDefined();
      expect(await sniffFile(path.join(SAMPLES, f)), f).toBe(want);
    }
  });

  it("recognises archive and capture magics", () => {
    const pad = (b: number[]) => Buffer.concat([Buffer.from(b), Buffer.alloc(60)]);
    expect(sniff(pad([0x50, 0x4b, 0x03, 0x04]))).toBe("zip");
    expect(sniff(pad([0x50, 0x4b, 0x05, 0x06]))).toBe("zip");
    expect(sniff(gzipSync("hello"))).toBe("gzip");
    for (const m of [
      [0xa1, 0xb2, 0xc3, 0xd4],
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0x3c, 0x4d],
      [0x4d, 0x3c, 0xb2, 0xa1],
    ])
      expect(sniff(pad(m))).toBe("pcap");
    expect(sniff(pad([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]))).toBe("pcapng");
    const tar = Buffer.alloc(1024);
    tar.write("file.txt", 0);
    tar.write("ustar\u000000", 257, "latin1");
    expect(sniff(tar)).toBe("tar");
  });

  it("handles empty, whitespace, random and NUL-bearing text", () => {
    expect(sniff(Buffer.alloc(0))).toBe("empty");
    expect(sniff(Buffer.from("\n\n  \n"))).toBe("empty");
    // random bytes that happen to start with a magic are astronomically unlikely; force a safe first byte
    const r = randomBytes(4096);
    r[0] = 0x00;
    expect(sniff(r)).toBe("unknown");
    expect(sniff(Buffer.from("edgemicro:\n  port: 8000\n\0"))).toBe("unknown");
    expect(sniff(Buffer.from("just some text\nnothing here\n"))).toBe("unknown");
  });

  it("detects the three gateway log line shapes, after blank lines", () => {
    const ev =
      "2026-11-23T19:33:55.816Z [info][h:1][7600][acme][prod][x][1.2.3.4][c][id][core][sourceRequest][GET][][][][]";
    const plain = "2026-11-23T19:28:29.685Z info 3657 edge micro listening on port 18000 port=18000";
    const stats = "2026-11-23T19:28:29.685Z stats 3657 treqErrors=0, requests=24";
    const con = "2026-11-23T19:28:29.685Z [3657] [microgateway] started";
    expect(sniff(Buffer.from(`\n\n${ev}\n${plain}\n${stats}\n${con}\n`))).toBe("gateway-log");
    expect(sniff(Buffer.from(`${stats}\n`))).toBe("gateway-log");
    expect(sniff(Buffer.from(`${ev}\n    at foo (bar.js:1:1)\n${ev}\n`))).toBe("gateway-log");
    expect(sniff(Buffer.from(`hello\nworld\nfoo\n${ev}\n`))).toBe("unknown");
    const trace =
      "Error: socket hang up\n    at connResetException (node:internal/errors:720:14)\n    at Socket.socketOnEnd (node:_http_client:525:23)\n";
    expect(sniff(Buffer.from(`${ev}\n${trace}${ev}\n${trace}${ev}\n${trace}`))).toBe("gateway-log");
  });

  it("detects a log whose first failures carry stacks and messages broken over lines (stack_trace: true)", () => {
    // The head of blind random-1279's log (level error, stack_trace true, a TLS 1.0 target first): OpenSSL's message
    // ends in a newline, so each EPROTO line goes on with `][EPROTO][41]`, then the stack's `Error:` line. Before, 4 of
    // its first 12 unindented lines were log lines and the whole log was kept unparsed as not recognised.
    const ssl =
      "80BC0ECFF27F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 70\n";
    const head = (n: number, who: string, code: string) =>
      `2026-12-06T16:22:44.133Z [error][${who}][2][lab][test][search/items/1?n=${n}][127.0.0.1][lab-client][74d8f635-b077-4822-a50d-15dc44952784][plugins-middleware][targetRequest error][GET][][write EPROTO ${ssl}][EPROTO][${code}]\n` +
      `Error: write EPROTO ${ssl}\n    at WriteWrap.onWriteComplete [as oncomplete] (node:internal/stream_base_commons:95:16)\n`;
    const text = [1, 2, 3, 4].map((n) => head(n, "127.0.0.3:9000", "41") + head(n, "127.0.0.1:8000", "")).join("");
    expect(sniff(Buffer.from(text))).toBe("gateway-log");
    // More unstamped lines after each log line than a message and a stack's header make is no log.
    const prose = "a line\nanother line\na third\na fourth\n";
    expect(sniff(Buffer.from(`${head(1, "127.0.0.3:9000", "41")}${prose}${prose}${prose}`))).toBe("unknown");
  });

  it("detects gateway config by top-level keys only", () => {
    expect(sniff(Buffer.from("# comment\nproxies:\n  - name: a\n"))).toBe("gateway-config");
    expect(sniff(Buffer.from("edge_config:\n  bootstrap: x\n"))).toBe("gateway-config");
    expect(sniff(Buffer.from("foo:\n  edgemicro:\n    port: 1\n"))).toBe("unknown");
  });

  it("detects the collector's report by its first line", () => {
    const report = readFileSync(path.join(__dirname, "../parsers/collector-report/__fixtures__/capture-report.txt"));
    expect(sniff(report)).toBe("collector-report");
    expect(sniff(Buffer.from(`config: x\n${report}`))).toBe("unknown");
  });
});

describe("limits", () => {
  it("defaults, overrides and depth check", () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxDepth: 1 }).maxDepth).toBe(1);
    expect(() => resolveLimits({ maxEntries: -1 })).toThrow(TypeError);
    expect(() => assertDepth(3, DEFAULT_LIMITS)).not.toThrow();
    const e = (() => {
      try {
        assertDepth(4, DEFAULT_LIMITS);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).code).toBe("too-deep");
  });
});
