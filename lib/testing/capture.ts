import { CaptureReader, type Packet } from "@/lib/parsers/pcap";

/** Reads a whole capture `chunk` bytes at a time, as a stream delivers it: every packet, and the reader (its layout, warnings). */
export function readChunked(bytes: Uint8Array, chunk: number): { packets: Packet[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const packets: Packet[] = [];
  for (let i = 0; i < bytes.length; i += chunk) packets.push(...reader.push(bytes.subarray(i, i + chunk)));
  packets.push(...reader.end());
  return { packets, reader };
}

/** A classic pcap's byte order and time unit (µs, or ns for the 0xa1b23c4d magic); anything else throws. */
function classicPcap(pcap: Uint8Array) {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  for (const le of [true, false]) {
    const magic = dv.getUint32(0, le);
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return { dv, le, perSecond: magic === 0xa1b23c4d ? 1e9 : 1e6 };
  }
  throw new Error("not a classic pcap");
}

/** Each record of a classic pcap: where its 16-byte header starts, its captured length, and where the next one starts. */
function* records(pcap: Uint8Array): Generator<{ at: number; incl: number; end: number }> {
  const { dv, le } = classicPcap(pcap);
  for (let at = 24; at + 16 <= pcap.length;) {
    const incl = dv.getUint32(at + 8, le);
    const end = Math.min(at + 16 + incl, pcap.length);
    yield { at, incl, end };
    at = end;
  }
}

/**
 * A classic pcap as `editcap -F pcap -s SNAPLEN` writes it: each record keeps at most `snaplen` bytes (its original length
 * stays), and the header's snap length says so. Checked against editcap 4.0.17 on the race-1s, mixed-four and blackhole captures: the same bytes.
 */
export function snapCut(pcap: Uint8Array, snaplen: number): Uint8Array {
  const { le } = classicPcap(pcap);
  const out = new Uint8Array(pcap.length);
  out.set(pcap.subarray(0, 24));
  const odv = new DataView(out.buffer);
  odv.setUint32(16, snaplen, le);
  let w = 24;
  for (const { at, incl, end } of records(pcap)) {
    const keep = Math.min(incl, snaplen, end - at - 16);
    out.set(pcap.subarray(at, at + 16), w);
    odv.setUint32(w + 8, keep, le);
    out.set(pcap.subarray(at + 16, at + 16 + keep), w + 16);
    w += 16 + keep;
  }
  return out.subarray(0, w);
}

/**
 * A classic pcap split every `perFile` records, as `editcap -F pcap -c N` or a rotating `tcpdump -C` writes it: each
 * part has the whole file header. Checked against editcap 4.0.17 on race-1s (-c 40: the same bytes in all 16 parts).
 */
export function splitPcap(pcap: Uint8Array, perFile: number): Uint8Array[] {
  const all = [...records(pcap)];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += perFile) {
    const body = pcap.subarray(all[i].at, all[Math.min(i + perFile, all.length) - 1].end);
    parts.push(Buffer.concat([pcap.subarray(0, 24), body]));
  }
  return parts;
}

/**
 * A classic pcap without the records `drop` picks (0-based record index), as `editcap -F pcap IN OUT N…` writes it
 * with those frame numbers (1-based): what a tcpdump whose buffer overflowed leaves.
 */
export function dropFrames(pcap: Uint8Array, drop: (index: number) => boolean): Uint8Array {
  const kept = [pcap.subarray(0, 24)];
  let i = 0;
  for (const { at, end } of records(pcap)) if (!drop(i++)) kept.push(pcap.subarray(at, end));
  return Buffer.concat(kept);
}

/**
 * A classic pcap with every record's time moved by `seconds`, as `editcap -t SECONDS` writes it: what a capture taken
 * on a host whose clock is off the gateway's looks like. Checked against editcap 4.0.17 on the race-1s, mixed-four
 * and random-7 captures (-t -18000, 3600, 0.4, -0.95): the same bytes.
 */
export function shiftPcap(pcap: Uint8Array, seconds: number): Uint8Array {
  const out = new Uint8Array(pcap); // a copy: a Buffer's slice() would be a view, and the shift would land in `pcap`
  const { dv, le, perSecond } = classicPcap(out);
  const shift = Math.round(seconds * perSecond);
  for (const { at } of records(out)) {
    const t = dv.getUint32(at, le) * perSecond + dv.getUint32(at + 4, le) + shift;
    dv.setUint32(at, Math.floor(t / perSecond), le);
    dv.setUint32(at + 4, t % perSecond, le);
  }
  return out;
}

/**
 * Every record of a classic pcap twice, the copy `us` microseconds later, in time order (on a tie the copy first, as
 * mergecap orders them): what `tcpdump -i any` writes on a host where the gateway reaches its target through a bridge
 * (each frame is seen on the container's veth and on the bridge). The bytes `editcap -t` of a copy and `mergecap` of
 * the two write. With `nat`, the copies carry IPv4 address `to` where the frame has `from`, as the other side of a NAT
 * sees them (sequence numbers kept; checksums left as they were, which neither this reader nor tshark checks).
 */
export function duplicateFrames(pcap: Uint8Array, us: number, nat?: { from: string; to: string }): Uint8Array {
  const { dv, le, perSecond } = classicPcap(pcap);
  const ip = IP_AT[dv.getUint32(20, le)];
  if (nat && ip === undefined) throw new Error(`no IPv4 rewrite for link type ${dv.getUint32(20, le)}`);
  const [from, to] = nat ? [ipv4(nat.from), ipv4(nat.to)] : [0, 0];
  const shift = Math.round((us * perSecond) / 1e6);
  const all = [...records(pcap)].map((r) => ({
    ...r,
    t: dv.getUint32(r.at, le) * perSecond + dv.getUint32(r.at + 4, le),
  }));
  const parts: Uint8Array[] = [pcap.subarray(0, 24)];
  const copy = (r: (typeof all)[number]) => {
    const rec = new Uint8Array(pcap.subarray(r.at, r.end));
    const t = r.t + shift;
    const rdv = new DataView(rec.buffer);
    rdv.setUint32(0, Math.floor(t / perSecond), le);
    rdv.setUint32(4, t % perSecond, le);
    const at = 16 + (ip ?? 0);
    if (nat && rec[at] >> 4 === 4)
      for (const o of [12, 16]) if (rdv.getUint32(at + o) === from) rdv.setUint32(at + o, to);
    return rec;
  };
  let j = 0;
  for (const r of all) {
    while (j < all.length && all[j].t + shift <= r.t) parts.push(copy(all[j++]));
    parts.push(pcap.subarray(r.at, r.end));
  }
  while (j < all.length) parts.push(copy(all[j++]));
  return Buffer.concat(parts);
}

/** Where the IP header starts in a frame, by link type: Ethernet (untagged), Linux cooked v1 and v2, raw IP. */
const IP_AT: Record<number, number> = { 1: 14, 113: 16, 276: 20, 101: 0, 12: 0, 14: 0 };
const ipv4 = (s: string) => s.split(".").reduce((n, x) => n * 256 + Number(x), 0);
