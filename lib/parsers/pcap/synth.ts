/** Builders of small synthetic captures (tests, benchmark). IPv4 + TCP over raw IP or Ethernet. */
import type { Packet } from "./types";

/**
 * A packet to write: the parsed packet's addressing and TCP fields, and an optional payload (a string as UTF-8) and
 * IPv4 id (0 when left out; a sender gives a retransmission a new one).
 */
export type SynthPacket = Pick<Packet, "tsUs" | "src" | "srcPort" | "dst" | "dstPort" | "seq" | "ack" | "flags"> & {
  payload?: Uint8Array | string;
  ipId?: number;
};

function ipv4Bytes(s: string): number[] {
  return s.split(".").map(Number);
}

/** One frame: link header (Ethernet for 1, none for 101) + IPv4 + 20-byte TCP header + payload. */
export function synthFrame(p: SynthPacket, linkType: 1 | 101 = 101): Uint8Array {
  const body = typeof p.payload === "string" ? new TextEncoder().encode(p.payload) : (p.payload ?? new Uint8Array(0));
  const link = linkType === 1 ? 14 : 0;
  const f = new Uint8Array(link + 40 + body.length);
  const dv = new DataView(f.buffer);
  if (linkType === 1) dv.setUint16(12, 0x0800);
  const ip = link;
  f[ip] = 0x45;
  dv.setUint16(ip + 2, 40 + body.length);
  dv.setUint16(ip + 4, p.ipId ?? 0);
  f[ip + 8] = 64;
  f[ip + 9] = 6;
  f.set(ipv4Bytes(p.src), ip + 12);
  f.set(ipv4Bytes(p.dst), ip + 16);
  const t = ip + 20;
  dv.setUint16(t, p.srcPort);
  dv.setUint16(t + 2, p.dstPort);
  dv.setUint32(t + 4, p.seq >>> 0);
  dv.setUint32(t + 8, p.ack >>> 0);
  f[t + 12] = 5 << 4;
  f[t + 13] = p.flags & 0xff;
  dv.setUint16(t + 14, 65535);
  f.set(body, t + 20);
  return f;
}

/** Classic little-endian µs pcap header. */
export function pcapHeader(linkType: number, snaplen = 262144): Uint8Array {
  const h = new Uint8Array(24);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, snaplen, true);
  dv.setUint32(20, linkType, true);
  return h;
}

/** Classic pcap record header + frame. */
export function pcapRecord(tsUs: number, frame: Uint8Array): Uint8Array {
  const r = new Uint8Array(16 + frame.length);
  const dv = new DataView(r.buffer);
  dv.setUint32(0, Math.floor(tsUs / 1e6), true);
  dv.setUint32(4, tsUs % 1e6, true);
  dv.setUint32(8, frame.length, true);
  dv.setUint32(12, frame.length, true);
  r.set(frame, 16);
  return r;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A whole raw-IP pcap file of the given packets. */
export function synthPcap(packets: SynthPacket[]): Uint8Array {
  return concatBytes([pcapHeader(101), ...packets.map((p) => pcapRecord(p.tsUs, synthFrame(p)))]);
}
