/** Link layer → IPv4/IPv6 → TCP decoding of one captured frame. Pure, allocation-light. */
import type { Packet } from "./types";

export const SUPPORTED_LINK_TYPES = new Set([0, 1, 12, 14, 101, 113, 228, 229, 276]);

const v4Cache = new Map<number, string>();

function ipv4String(dv: DataView, off: number): string {
  const n = dv.getUint32(off, false);
  let s = v4Cache.get(n);
  if (s === undefined) {
    s = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (v4Cache.size > 4096) v4Cache.clear();
    v4Cache.set(n, s);
  }
  return s;
}

/** RFC 5952 text form (longest run of zero groups compressed), as Wireshark prints it. */
export function ipv6String(dv: DataView, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(dv.getUint16(off + i * 2, false));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** Offset of the IP header inside the frame, or -1 when the frame carries no IP. */
function networkOffset(linkType: number, buf: Uint8Array, dv: DataView, start: number, end: number): number {
  switch (linkType) {
    case 1: {
      let off = start + 12;
      if (off + 2 > end) return -1;
      let et = dv.getUint16(off, false);
      while (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
        off += 4;
        if (off + 2 > end) return -1;
        et = dv.getUint16(off, false);
      }
      return et === 0x0800 || et === 0x86dd ? off + 2 : -1;
    }
    case 113: {
      if (start + 16 > end) return -1;
      const et = dv.getUint16(start + 14, false);
      return et === 0x0800 || et === 0x86dd ? start + 16 : -1;
    }
    case 276: {
      if (start + 20 > end) return -1;
      const et = dv.getUint16(start, false);
      return et === 0x0800 || et === 0x86dd ? start + 20 : -1;
    }
    case 0:
      return start + 4 < end ? start + 4 : -1;
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      return start < end ? start : -1;
    default:
      return -1;
  }
}

/**
 * Decode one frame; returns null for anything that is not the first fragment of a TCP segment.
 * `frame` and `tsUs` are copied into the result.
 */
export function decodeFrame(
  linkType: number,
  buf: Uint8Array,
  dv: DataView,
  start: number,
  capLen: number,
  frame: number,
  tsUs: number,
  offset = 0,
): Packet | null {
  const end = start + capLen;
  const ip = networkOffset(linkType, buf, dv, start, end);
  if (ip < 0 || ip + 20 > end) return null;
  const version = buf[ip] >> 4;
  let src: string, dst: string, tcp: number, ipPayloadLen: number;
  let ipId = -1;
  if (version === 4) {
    const ihl = (buf[ip] & 15) * 4;
    if (ihl < 20 || buf[ip + 9] !== 6) return null;
    if ((dv.getUint16(ip + 6, false) & 0x1fff) !== 0) return null; // non-first fragment
    const total = dv.getUint16(ip + 2, false);
    ipPayloadLen = total === 0 ? end - ip - ihl : total - ihl; // total 0: TSO offload
    ipId = dv.getUint16(ip + 4, false);
    src = ipv4String(dv, ip + 12);
    dst = ipv4String(dv, ip + 16);
    tcp = ip + ihl;
  } else if (version === 6) {
    if (ip + 40 > end) return null;
    let next = buf[ip + 6];
    const plen = dv.getUint16(ip + 4, false);
    let off = ip + 40;
    ipPayloadLen = plen === 0 ? end - off : plen;
    for (let hops = 0; next !== 6; hops++) {
      if (hops > 8 || off + 8 > end) return null;
      if (next === 0 || next === 43 || next === 60) {
        const len = (buf[off + 1] + 1) * 8;
        next = buf[off];
        off += len;
        ipPayloadLen -= len;
      } else if (next === 44) {
        if ((dv.getUint16(off + 2, false) & 0xfff8) !== 0) return null; // non-first fragment
        next = buf[off];
        off += 8;
        ipPayloadLen -= 8;
      } else if (next === 51) {
        const len = (buf[off + 1] + 2) * 4;
        next = buf[off];
        off += len;
        ipPayloadLen -= len;
      } else {
        return null;
      }
    }
    src = ipv6String(dv, ip + 8);
    dst = ipv6String(dv, ip + 24);
    tcp = off;
  } else {
    return null;
  }
  if (tcp + 20 > end) return null;
  const doff = (buf[tcp + 12] >> 4) * 4;
  if (doff < 20) return null;
  const payloadStart = Math.min(tcp + doff, end);
  const payloadLen = Math.max(0, ipPayloadLen - doff);
  const payloadEnd = Math.min(end, payloadStart + payloadLen);
  return {
    frame,
    offset,
    tsUs,
    src,
    srcPort: dv.getUint16(tcp, false),
    dst,
    dstPort: dv.getUint16(tcp + 2, false),
    seq: dv.getUint32(tcp + 4, false),
    ack: dv.getUint32(tcp + 8, false),
    flags: ((buf[tcp + 12] & 1) << 8) | buf[tcp + 13],
    window: dv.getUint16(tcp + 14, false),
    ipId,
    checksum: dv.getUint16(tcp + 16, false),
    payloadLen,
    payload: buf.subarray(payloadStart, payloadEnd),
  };
}
