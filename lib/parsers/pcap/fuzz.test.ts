/** Property-based fuzzing of the capture reader (and the TCP tracker behind it): noise, damaged real captures, any chunking. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { applyMutations, chunkingArb, FUZZ_RUNS, mutationsArb, splitBy } from "@/lib/testing/fuzz";
import { classifyAll, classifyConnection, trackAll } from "@/lib/analysis/tcp";
import { CaptureError, CaptureReader, type CaptureWarning, type Packet } from ".";

const FIX = path.join(import.meta.dirname, "__fixtures__");
const captures = [
  ...readdirSync(FIX)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => readFileSync(path.join(FIX, f))),
  readFileSync(path.join(SAMPLE_DIR, "gw01-to-target.pcap")),
];
const PCAP_HEADER = captures.find((c) => c.readUInt32LE(0) === 0xa1b2c3d4)!.subarray(0, 24);
const PCAPNG_SHB = captures.find((c) => c.readUInt32BE(0) === 0x0a0d0d0a)!;
const shbLen = PCAPNG_SHB.readUInt32LE(4);
const idbLen = PCAPNG_SHB.readUInt32LE(shbLen + 4);
const PCAPNG_HEAD = PCAPNG_SHB.subarray(0, shbLen + idbLen); // section header + first interface

interface Read {
  packets: Packet[];
  warnings: CaptureWarning[];
  frames: number;
  error: CaptureError | null;
}

function read(chunks: Uint8Array[]): Read {
  const r = new CaptureReader();
  const packets: Packet[] = [];
  let error: CaptureError | null = null;
  try {
    for (const c of chunks) packets.push(...r.push(c));
    packets.push(...r.end());
  } catch (e) {
    // The one documented error: not a capture at all (bad magic at byte 0).
    expect(e).toBeInstanceOf(CaptureError);
    error = e as CaptureError;
    expect(error.code).toBe("unrecognised-header");
    expect(error.offset).toBe(0);
  }
  return { packets, warnings: r.warnings, frames: r.frames, error };
}

/** A view to compare across chunkings (payloads are views into the pushed chunks). */
const plain = (r: Read) => ({
  packets: r.packets.map((p) => ({ ...p, payload: Buffer.from(p.payload).toString("hex") })),
  warnings: r.warnings,
  frames: r.frames,
  error: r.error?.message ?? null,
});

function checkInvariants(input: Uint8Array, r: Read): void {
  expect(r.frames).toBeLessThanOrEqual(Math.floor(input.length / 12));
  let lastFrame = 0;
  for (const p of r.packets) {
    expect(p.frame).toBeGreaterThan(lastFrame);
    lastFrame = p.frame;
    expect(Number.isFinite(p.tsUs)).toBe(true);
    expect(p.payload.length).toBeLessThanOrEqual(input.length);
    expect(p.srcPort >= 0 && p.srcPort < 65536 && p.dstPort >= 0 && p.dstPort < 65536).toBe(true);
  }
  for (const w of r.warnings) {
    expect(w.offset).toBeGreaterThanOrEqual(0);
    expect(w.offset).toBeLessThanOrEqual(input.length);
    expect(w.message.length).toBeGreaterThan(0);
  }
  // Whatever packets come out, the connection tracker and classifier take them.
  const conns = trackAll(r.packets);
  for (const c of conns) expect(classifyConnection(c).code).toBeTruthy();
  classifyAll(conns);
}

describe("capture reader fuzz", () => {
  it("arbitrary bytes, bare or behind a valid pcap / pcapng header: no stray throw, same result however chunked", () => {
    const head = fc.constantFrom(new Uint8Array(0), PCAP_HEADER, PCAPNG_HEAD);
    fc.assert(
      fc.property(head, fc.uint8Array({ maxLength: 4096 }), chunkingArb, (h, body, sizes) => {
        const input = Buffer.concat([h, body]);
        const whole = read([input]);
        checkInvariants(input, whole);
        expect(plain(read(splitBy(input, sizes)))).toEqual(plain(whole));
      }),
      FUZZ_RUNS,
    );
  });

  it("damaged copies of real captures (pcap and pcapng, every link type of the fixtures)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...captures), mutationsArb, chunkingArb, (capture, ms, sizes) => {
        const input = applyMutations(capture, ms);
        const whole = read([input]);
        checkInvariants(input, whole);
        expect(plain(read(splitBy(input, sizes)))).toEqual(plain(whole));
      }),
      FUZZ_RUNS,
    );
  });

  it("absurd lengths in headers stop the reader with the offset, without allocating them", () => {
    const pcap = Buffer.concat([PCAP_HEADER, Buffer.alloc(16)]);
    pcap.writeUInt32LE(0xffffffff, 24 + 8); // incl_len
    const a = read([pcap]);
    expect(a.warnings).toEqual([expect.objectContaining({ code: "absurd-length", offset: 24 })]);
    const ng = Buffer.concat([PCAPNG_HEAD, Buffer.alloc(32)]);
    ng.writeUInt32LE(6, PCAPNG_HEAD.length);
    ng.writeUInt32LE(0xfffffff0, PCAPNG_HEAD.length + 4); // block total length
    const b = read([ng]);
    expect(b.warnings).toEqual([expect.objectContaining({ code: "absurd-length", offset: PCAPNG_HEAD.length })]);
  });
});
