import { SAMPLE_DIR } from "@/lib/testing/samples";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { synthesizeCapture } from "./bench";
import { describe, expect, it } from "vitest";
import { readChunked } from "@/lib/testing/capture";
import { CaptureError, CaptureReader, readCapture, TCP_RST, TCP_SYN, type Packet } from "./index";

const SAMPLE = path.join(SAMPLE_DIR, "gw01-to-target.pcap");

const readAll = (bytes: Uint8Array, chunk = 1 << 20) => readChunked(bytes, chunk);

describe("CaptureReader on the acme sample (SLL2)", () => {
  const bytes = new Uint8Array(readFileSync(SAMPLE));
  it("reads every frame, in any chunking", () => {
    // tshark -r gw01-to-target.pcap -Y tcp | wc -l  → 217 (capinfos: 217 packets)
    for (const chunk of [1, 7, 100, 1 << 20]) {
      const { packets, reader } = readAll(bytes, chunk);
      expect(packets.length).toBe(217);
      expect(reader.warnings).toEqual([]);
      expect(packets[216].frame).toBe(217);
    }
  });
  it("decodes addresses, ports, flags, lengths and time", () => {
    const { packets } = readAll(bytes);
    const p = packets[0];
    // tshark: frame 1 2026-11-23 19:33:55.819607 53466 → 28081 [SYN]
    expect(p).toMatchObject({
      frame: 1,
      src: "127.0.0.1",
      srcPort: 53466,
      dst: "127.0.0.1",
      dstPort: 28081,
      payloadLen: 0,
    });
    expect(p.flags & TCP_SYN).toBeTruthy();
    expect(new Date(p.tsUs / 1000).toISOString()).toBe("2026-11-23T19:33:55.819Z");
    expect(p.tsUs % 1000).toBe(607);
    // tshark: frame 4 GET /items/1, tcp.len 339
    expect(packets[3].payloadLen).toBe(339);
    // tshark -T fields -e frame.number -e ip.id -e tcp.checksum: 1 0x8fac 0xfe30 · 2 0x0000 0xfe30 · 4 0x8fae 0xff7b
    expect([0, 1, 3].map((i) => [packets[i].ipId, packets[i].checksum])).toEqual([
      [0x8fac, 0xfe30],
      [0, 0xfe30],
      [0x8fae, 0xff7b],
    ]);
    expect(Buffer.from(packets[3].payload.subarray(0, 13)).toString()).toBe("GET /items/1 ");
    // tshark -r gw01-to-target.pcap -Y 'tcp.flags.reset==1' | wc -l → 0
    expect(packets.filter((q) => q.flags & TCP_RST).length).toBe(0);
  });
  it("streams through readCapture", async () => {
    async function* src() {
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
    }
    let n = 0;
    for await (const batch of readCapture(src())) n += batch.length;
    expect(n).toBe(217);
  });
});

describe("CaptureReader on a multi-MB capture in big chunks", () => {
  it("reads the same frames as from one buffer when records straddle chunks larger than the largest record", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pcap-chunks-"));
    try {
      const file = path.join(dir, "big.pcap");
      synthesizeCapture(file, 3);
      const bytes = new Uint8Array(readFileSync(file));
      const whole = readAll(bytes, bytes.length);
      expect(whole.packets.length).toBeGreaterThan(5000);
      const view = (ps: Packet[]) =>
        ps.map(
          (q) =>
            `${q.frame} ${q.tsUs} ${q.srcPort}>${q.dstPort} ${q.flags} ${q.payloadLen} ${Buffer.from(q.payload.subarray(0, 8)).toString("hex")}`,
        );
      // 1 MiB (what the ingest reads), just over and under the join window, and an odd size.
      for (const chunk of [1 << 20, 256 * 1024 + 65, 256 * 1024 + 63, 300_007]) {
        const { packets, reader } = readAll(bytes, chunk);
        expect(reader.warnings).toEqual([]);
        expect(view(packets)).toEqual(view(whole.packets));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CaptureReader errors", () => {
  it("throws a typed error at offset 0 on an unknown header", () => {
    expect(() => new CaptureReader().push(new TextEncoder().encode("hello world, not a capture"))).toThrow(
      CaptureError,
    );
    try {
      new CaptureReader().push(new Uint8Array(32));
    } catch (e) {
      expect((e as CaptureError).offset).toBe(0);
    }
  });
  it("accepts a 0-length input quietly", () => {
    const r = new CaptureReader();
    expect(r.push(new Uint8Array(0))).toEqual([]);
    expect(r.end()).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
  it("warns with the offset on a truncated last record", () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    const { packets, reader } = readAll(bytes.subarray(0, bytes.length - 10));
    expect(packets.length).toBe(216);
    expect(reader.warnings[0].code).toBe("truncated-record");
    expect(reader.warnings[0].offset).toBeGreaterThan(24);
  });
  it("warns on random bytes after a pcap magic and never throws", () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE)).slice(0, 24 + 4096);
    let seed = 7;
    for (let i = 24; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    const { reader } = readAll(bytes);
    expect(reader.warnings.length).toBeGreaterThan(0);
    expect(reader.warnings[0].offset).toBeGreaterThanOrEqual(24);
  });
});
