import { describe, expect, it } from "vitest";
import { readChunked } from "@/lib/testing/capture";
import { concatBytes, synthFrame, type SynthPacket } from "./synth";

/** Minimal pcapng writer for tests: every block in the section's byte order. */
class Ng {
  parts: Uint8Array[] = [];
  constructor(private le: boolean) {}
  block(type: number, body: Uint8Array): this {
    const pad = (4 - (body.length % 4)) % 4;
    const len = 12 + body.length + pad;
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, this.le);
    dv.setUint32(4, len, this.le);
    b.set(body, 8);
    dv.setUint32(len - 4, len, this.le);
    this.parts.push(b);
    return this;
  }
  words(...v: Array<[number, 2 | 4]>): Uint8Array {
    const b = new Uint8Array(v.reduce((n, [, s]) => n + s, 0));
    const dv = new DataView(b.buffer);
    let o = 0;
    for (const [x, s] of v) {
      if (s === 2) dv.setUint16(o, x, this.le);
      else dv.setUint32(o, x, this.le);
      o += s;
    }
    return b;
  }
  shb(): this {
    return this.block(0x0a0d0d0a, this.words([0x1a2b3c4d, 4], [1, 2], [0, 2], [0xffffffff, 4], [0xffffffff, 4]));
  }
  idb(linkType: number, tsresol?: number): this {
    const opt =
      tsresol === undefined
        ? new Uint8Array(0)
        : concatBytes([this.words([9, 2], [1, 2]), new Uint8Array([tsresol, 0, 0, 0]), this.words([0, 2], [0, 2])]);
    return this.block(1, concatBytes([this.words([linkType, 2], [0, 2], [65535, 4]), opt]));
  }
  epb(iface: number, ts: bigint, frame: Uint8Array): this {
    const [hi, lo] = [Number(ts >> 32n), Number(ts & 0xffffffffn)];
    return this.block(
      6,
      concatBytes([this.words([iface, 4], [hi, 4], [lo, 4], [frame.length, 4], [frame.length, 4]), frame]),
    );
  }
  spb(frame: Uint8Array): this {
    return this.block(3, concatBytes([this.words([frame.length, 4]), frame]));
  }
  pb(iface: number, ts: bigint, frame: Uint8Array): this {
    const [hi, lo] = [Number(ts >> 32n), Number(ts & 0xffffffffn)];
    return this.block(
      2,
      concatBytes([this.words([iface, 2], [0, 2], [hi, 4], [lo, 4], [frame.length, 4], [frame.length, 4]), frame]),
    );
  }
  bytes(): Uint8Array {
    return concatBytes(this.parts);
  }
}

const pkt = (port: number): SynthPacket => ({
  tsUs: 0,
  src: "192.168.1.1",
  srcPort: port,
  dst: "192.168.1.2",
  dstPort: 80,
  seq: 1,
  ack: 0,
  flags: 2,
});

/** Tiny chunks: every block straddles chunk boundaries. */
const readAll = (bytes: Uint8Array) => readChunked(bytes, 13);
/** A little-endian section with one interface of the link type and one packet, at time 0, on interface `iface`. */
const onePacket = (linkType: number, iface: number) =>
  new Ng(true)
    .shb()
    .idb(linkType)
    .epb(iface, 0n, synthFrame(pkt(1)))
    .bytes();

describe("pcapng", () => {
  it("reads sections of both byte orders, several interfaces, resolutions and block kinds", () => {
    const a = new Ng(true)
      .shb()
      .idb(101)
      .idb(1, 9) // iface 0 raw IP µs, iface 1 Ethernet ns
      .epb(0, 1_700_000_000_000_001n, synthFrame(pkt(1)))
      .epb(1, 1_700_000_000_000_002_999n, synthFrame(pkt(2), 1))
      .block(0x0bad0bad, new Uint8Array(8)) // unknown block type: skipped with a warning
      .spb(synthFrame(pkt(3)))
      .bytes();
    const b = new Ng(false)
      .shb()
      .idb(1, 0x80 | 20) // big-endian section, 2^-20 s units
      .pb(0, 1_700_000_000n * 2n ** 20n + 2n ** 19n, synthFrame(pkt(4), 1))
      .bytes();
    const { packets, reader } = readAll(concatBytes([a, b]));
    expect(packets.map((p) => [p.frame, p.srcPort])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(packets[0].tsUs).toBe(1_700_000_000_000_001);
    expect(packets[1].tsUs).toBe(1_700_000_000_000_002);
    expect(packets[3].tsUs).toBe(1_700_000_000_500_000);
    expect(reader.warnings.map((w) => [w.code, w.offset])).toEqual([["unknown-block", a.length - 56 - 20]]); // the 20-byte unknown block sits before the 56-byte SPB
  });

  it("warns about packets on undeclared interfaces and absurd block lengths, without throwing", () => {
    const ng = onePacket(101, 3);
    const bad = concatBytes([ng, new Uint8Array([6, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0])]);
    const { packets, reader } = readAll(bad);
    expect(packets).toEqual([]);
    expect(reader.warnings.map((w) => w.code)).toEqual(["unknown-interface", "absurd-length"]);
    expect(reader.warnings[1].offset).toBe(ng.length);
  });

  it("warns about an unsupported link type", () => {
    const ng = onePacket(147, 0);
    const { packets, reader } = readAll(ng);
    expect(packets).toEqual([]);
    expect(reader.frames).toBe(1);
    expect(reader.warnings.map((w) => w.code)).toEqual(["unsupported-link-type"]);
  });
});
