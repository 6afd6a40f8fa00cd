import { CaptureReader, type Packet } from "@/lib/parsers/pcap";

/** Reads a whole capture `chunk` bytes at a time, as a stream delivers it: every packet, and the reader (its layout, warnings). */
export function readChunked(bytes: Uint8Array, chunk: number): { packets: Packet[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const packets: Packet[] = [];
  for (let i = 0; i < bytes.length; i += chunk) packets.push(...reader.push(bytes.subarray(i, i + chunk)));
  packets.push(...reader.end());
  return { packets, reader };
}

/**
 * A classic pcap as `editcap -F pcap -s SNAPLEN` writes it: each record keeps at most `snaplen` bytes (its original length
 * stays), and the header's snap length says so. Checked against editcap 4.0.17 on the race-1s, mixed-four and blackhole captures: the same bytes.
 */
export function snapCut(pcap: Uint8Array, snaplen: number): Uint8Array {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && dv.getUint32(0, false) !== 0xa1b2c3d4 && dv.getUint32(0, false) !== 0xa1b23c4d)
    throw new Error("not a classic pcap");
  const out = new Uint8Array(pcap.length);
  out.set(pcap.subarray(0, 24));
  const odv = new DataView(out.buffer);
  odv.setUint32(16, snaplen, le);
  let r = 24;
  let w = 24;
  while (r + 16 <= pcap.length) {
    const incl = dv.getUint32(r + 8, le);
    const keep = Math.min(incl, snaplen);
    out.set(pcap.subarray(r, r + 16), w);
    odv.setUint32(w + 8, keep, le);
    out.set(pcap.subarray(r + 16, r + 16 + keep), w + 16);
    r += 16 + incl;
    w += 16 + keep;
  }
  return out.subarray(0, w);
}

/**
 * A classic pcap split every `perFile` records, as `editcap -F pcap -c N` or a rotating `tcpdump -C` writes it: each
 * part has the whole file header. Checked against editcap 4.0.17 on race-1s (-c 40: the same bytes in all 16 parts).
 */
export function splitPcap(pcap: Uint8Array, perFile: number): Uint8Array[] {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const le = dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d;
  const header = pcap.subarray(0, 24);
  const parts: Uint8Array[] = [];
  let start = 24;
  let n = 0;
  let r = 24;
  const cut = () => {
    const part = new Uint8Array(24 + r - start);
    part.set(header);
    part.set(pcap.subarray(start, r), 24);
    parts.push(part);
  };
  while (r + 16 <= pcap.length) {
    r += 16 + dv.getUint32(r + 8, le);
    if (++n === perFile) {
      cut();
      start = r;
      n = 0;
    }
  }
  if (n > 0) cut();
  return parts;
}

/**
 * A classic pcap without the records `drop` picks (0-based record index), as `editcap -F pcap IN OUT N…` writes it
 * with those frame numbers (1-based): what a tcpdump whose buffer overflowed leaves.
 */
export function dropFrames(pcap: Uint8Array, drop: (index: number) => boolean): Uint8Array {
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const le = dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d;
  const kept: Uint8Array[] = [pcap.subarray(0, 24)];
  let size = 24;
  for (let r = 24, i = 0; r + 16 <= pcap.length; i++) {
    const end = r + 16 + dv.getUint32(r + 8, le);
    if (!drop(i)) {
      kept.push(pcap.subarray(r, end));
      size += end - r;
    }
    r = end;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const k of kept) {
    out.set(k, o);
    o += k.length;
  }
  return out;
}

/**
 * A classic pcap with every record's time moved by `seconds`, as `editcap -t SECONDS` writes it: what a capture taken
 * on a host whose clock is off the gateway's looks like. Checked against editcap 4.0.17 on the race-1s, mixed-four
 * and random-7 captures (-t -18000, 3600, 0.4, -0.95): the same bytes.
 */
export function shiftPcap(pcap: Uint8Array, seconds: number): Uint8Array {
  const out = pcap.slice();
  const dv = new DataView(out.buffer);
  const le = dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d;
  const perSecond = dv.getUint32(0, le) === 0xa1b23c4d ? 1e9 : 1e6;
  const shift = Math.round(seconds * perSecond);
  for (let r = 24; r + 16 <= out.length; r += 16 + dv.getUint32(r + 8, le)) {
    const t = dv.getUint32(r, le) * perSecond + dv.getUint32(r + 4, le) + shift;
    dv.setUint32(r, Math.floor(t / perSecond), le);
    dv.setUint32(r + 4, t % perSecond, le);
  }
  return out;
}
