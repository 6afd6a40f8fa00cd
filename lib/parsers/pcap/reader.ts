/** Streaming reader for classic pcap and pcapng. Pure: bytes in, TCP packets out. */
import { decodeFrame, SUPPORTED_LINK_TYPES } from "./decode";
import { CaptureError, type CaptureErrorCode, type CaptureWarning, type Packet } from "./types";

/** Larger records are treated as corruption (real captures stay far below). */
export const MAX_RECORD_BYTES = 256 * 1024;
const MAX_WARNINGS = 200;
/** Bytes of a new chunk joined to an unfinished record: enough for the largest record (pcap or pcapng) to complete. */
const JOIN_BYTES = MAX_RECORD_BYTES + 64;

interface Iface {
  linkType: number;
  snaplen: number;
  unitsPerUs: number;
  offsetUs: number;
}

/**
 * Where the bytes lie that a reader needs before it can read a frame in the middle of a capture: the pcap file header,
 * or pcapng's section headers and interface descriptions. `complete` is false when there were more than
 * MAX_HEADER_BLOCKS (a reader resumed past them would lack some): see lib/parsers/pcap/range.ts.
 */
export interface CaptureLayout {
  blocks: Array<{ offset: number; length: number; section: boolean }>;
  complete: boolean;
}
const MAX_HEADER_BLOCKS = 256;

/** (hi·2^32 + lo) / unitsPerUs, exact for integer unit ratios (µs, ns, ...) where a double product would round. */
function toMicros(hi: number, lo: number, unitsPerUs: number): number {
  if (unitsPerUs === 1) return hi * 4294967296 + lo;
  if (Number.isInteger(unitsPerUs)) {
    const q = Math.floor(4294967296 / unitsPerUs);
    const r = 4294967296 - q * unitsPerUs;
    return hi * q + Math.floor((hi * r + lo) / unitsPerUs);
  }
  return Math.floor((hi * 4294967296 + lo) / unitsPerUs);
}

type Mode = "start" | "pcap" | "pcapng" | "stopped";

export class CaptureReader {
  readonly warnings: CaptureWarning[] = [];
  /** Records seen so far (TCP or not). */
  frames = 0;
  private mode: Mode = "start";
  private pending: Uint8Array = new Uint8Array(0);
  /** Absolute offset of pending[0]. */
  private base = 0;
  private le = true;
  private nano = false;
  private linkType = 1;
  private ifaces: Iface[] = [];
  private unknownBlocks = new Map<number, number>();
  private warnedLink = new Set<number>();
  readonly layout: CaptureLayout = { blocks: [], complete: true };

  /** Past the end, or stopped by a corrupt record: no more packets will come. */
  get stopped(): boolean {
    return this.mode === "stopped";
  }

  /**
   * Continue at byte `offset` of the capture, whose earlier records held `framesBefore` frames: for reading a range
   * of frames after the header blocks (`layout`) were pushed. Only between records (nothing pending).
   */
  resumeAt(offset: number, framesBefore: number): void {
    if (this.mode === "start" || this.pending.length > 0)
      throw new Error("resumeAt: push the capture's header first, and whole records only");
    this.base = offset;
    this.frames = framesBefore;
  }

  private headerBlock(offset: number, length: number, section: boolean): void {
    if (this.layout.blocks.some((b) => b.offset === offset)) return; // pushed again by a resumed reader
    if (this.layout.blocks.length >= MAX_HEADER_BLOCKS) {
      this.layout.complete = false;
      return;
    }
    this.layout.blocks.push({ offset, length, section });
  }

  push(chunk: Uint8Array): Packet[] {
    if (this.mode === "stopped" || chunk.length === 0) return [];
    if (this.pending.length === 0) return this.parse(chunk);
    // A record straddles the chunk boundary: join it with just enough of the chunk to complete it, then read the
    // rest of the chunk where it lies (copying every whole chunk doubled the garbage of a GB-sized capture).
    const pendingLength = this.pending.length;
    const head = concat(this.pending, chunk.subarray(0, JOIN_BYTES));
    const out = this.parse(head);
    if ((this.mode as Mode) === "stopped") return out;
    const consumed = head.length - this.pending.length;
    if (consumed < pendingLength || chunk.length <= JOIN_BYTES) {
      // Not even the straddling record is complete (or the chunk was all in `head`): keep everything for later.
      if (chunk.length > JOIN_BYTES) this.pending = concat(this.pending, chunk.subarray(JOIN_BYTES));
      return out;
    }
    this.pending = new Uint8Array(0);
    for (const p of this.parse(chunk.subarray(consumed - pendingLength))) out.push(p);
    return out;
  }

  /** Reads the records in `buf` (whose first byte is at `base`); keeps a copy of the unread tail in `pending`. */
  private parse(buf: Uint8Array): Packet[] {
    const out: Packet[] = [];
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = 0;
    if (this.mode === "start") {
      if (buf.length < 4) {
        this.pending = buf.slice();
        return out;
      }
      const m = dv.getUint32(0, false);
      if (m === 0x0a0d0d0a) this.mode = "pcapng";
      else if (m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xd4c3b2a1 || m === 0x4d3cb2a1) {
        if (buf.length < 24) {
          this.pending = buf.slice();
          return out;
        }
        this.mode = "pcap";
        this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
        this.nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
        this.linkType = dv.getUint32(20, this.le) & 0xffff;
        this.checkLink(this.linkType, 20);
        this.headerBlock(0, 24, true);
        pos = 24;
      } else {
        this.mode = "stopped";
        throw new CaptureError("unrecognised-header", 0, "Not a pcap or pcapng capture");
      }
    }
    pos = this.mode === "pcap" ? this.readPcap(buf, dv, pos, out) : this.readPcapng(buf, dv, pos, out);
    if ((this.mode as Mode) === "stopped") {
      this.pending = new Uint8Array(0);
      return out;
    }
    // Copy the small tail so the big chunk can be garbage collected.
    this.pending = buf.slice(pos);
    this.base += pos;
    return out;
  }

  end(): Packet[] {
    if (this.mode !== "stopped" && this.pending.length > 0) {
      this.warn("truncated-record", this.base, `Capture ends inside a record (${this.pending.length} bytes left over)`);
    }
    this.pending = new Uint8Array(0);
    this.mode = "stopped";
    return [];
  }

  private readPcap(buf: Uint8Array, dv: DataView, pos: number, out: Packet[]): number {
    const le = this.le;
    while (pos + 16 <= buf.length) {
      const incl = dv.getUint32(pos + 8, le);
      if (incl > MAX_RECORD_BYTES) {
        this.stop(
          "absurd-length",
          this.base + pos,
          `Record length ${incl} exceeds ${MAX_RECORD_BYTES}; rest of capture skipped`,
        );
        return pos;
      }
      if (pos + 16 + incl > buf.length) break;
      const sec = dv.getUint32(pos, le);
      const frac = dv.getUint32(pos + 4, le);
      const tsUs = sec * 1e6 + (this.nano ? Math.floor(frac / 1000) : frac);
      this.frames++;
      const p = decodeFrame(this.linkType, buf, dv, pos + 16, incl, this.frames, tsUs, this.base + pos);
      if (p) out.push(p);
      pos += 16 + incl;
    }
    return pos;
  }

  private readPcapng(buf: Uint8Array, dv: DataView, pos: number, out: Packet[]): number {
    while (pos + 12 <= buf.length) {
      let type = dv.getUint32(pos, this.le);
      if (dv.getUint32(pos, false) === 0x0a0d0d0a) {
        type = 0x0a0d0d0a;
        const bom = dv.getUint32(pos + 8, false);
        if (bom === 0x1a2b3c4d) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else {
          this.stop("bad-block", this.base + pos, "Section header with a bad byte-order magic");
          return pos;
        }
      }
      const len = dv.getUint32(pos + 4, this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD_BYTES + 64) {
        this.stop(
          len > MAX_RECORD_BYTES ? "absurd-length" : "bad-block",
          this.base + pos,
          `Block length ${len} is invalid; rest of capture skipped`,
        );
        return pos;
      }
      if (pos + len > buf.length) break;
      this.block(type, buf, dv, pos, len, out);
      pos += len;
    }
    return pos;
  }

  private block(type: number, buf: Uint8Array, dv: DataView, pos: number, len: number, out: Packet[]): void {
    const le = this.le;
    const at = this.base + pos;
    switch (type) {
      case 0x0a0d0d0a:
        this.ifaces = [];
        this.headerBlock(at, len, true);
        return;
      case 1: {
        const iface: Iface = {
          linkType: dv.getUint16(pos + 8, le),
          snaplen: dv.getUint32(pos + 12, le),
          unitsPerUs: 1,
          offsetUs: 0,
        };
        let o = pos + 16;
        while (o + 4 <= pos + len - 4) {
          const code = dv.getUint16(o, le);
          const olen = dv.getUint16(o + 2, le);
          if (code === 0) break;
          if (code === 9 && olen >= 1) {
            const v = buf[o + 4];
            const unitsPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
            iface.unitsPerUs = unitsPerSec / 1e6;
          } else if (code === 14 && olen >= 8) {
            iface.offsetUs =
              (dv.getUint32(o + 4 + (le ? 4 : 0), le) * 2 ** 32 + dv.getUint32(o + 4 + (le ? 0 : 4), le)) * 1e6;
          }
          o += 4 + ((olen + 3) & ~3);
        }
        this.checkLink(iface.linkType, at);
        this.ifaces.push(iface);
        this.headerBlock(at, len, false);
        return;
      }
      case 6:
      case 2: {
        const ifId = type === 6 ? dv.getUint32(pos + 8, le) : dv.getUint16(pos + 8, le);
        const tsHi = dv.getUint32(pos + 12, le);
        const tsLo = dv.getUint32(pos + 16, le);
        const cap = dv.getUint32(pos + 20, le);
        this.frames++;
        const iface = this.ifaces[ifId];
        if (!iface) {
          this.warn("unknown-interface", at, `Packet refers to undeclared interface ${ifId}`);
          return;
        }
        if (28 + cap > len) {
          this.warn("malformed-packet", at, `Captured length ${cap} overflows its block`);
          return;
        }
        const tsUs = toMicros(tsHi, tsLo, iface.unitsPerUs) + iface.offsetUs;
        const p = decodeFrame(iface.linkType, buf, dv, pos + 28, cap, this.frames, tsUs, at);
        if (p) out.push(p);
        return;
      }
      case 3: {
        this.frames++;
        const iface = this.ifaces[0];
        if (!iface) {
          this.warn("unknown-interface", at, "Simple packet block without an interface");
          return;
        }
        const orig = dv.getUint32(pos + 8, le);
        let cap = Math.min(orig, len - 16);
        if (iface.snaplen > 0) cap = Math.min(cap, iface.snaplen);
        const p = decodeFrame(iface.linkType, buf, dv, pos + 12, cap, this.frames, 0, at);
        if (p) out.push(p);
        return;
      }
      default: {
        const n = this.unknownBlocks.get(type) ?? 0;
        this.unknownBlocks.set(type, n + 1);
        // Known non-packet blocks (NRB 4, ISB 5, DSB 10, custom) are skipped silently.
        if (n === 0 && ![4, 5, 10, 0xbad, 0x40000bad].includes(type)) {
          this.warn("unknown-block", at, `Skipped block of unknown type 0x${type.toString(16)}`);
        }
      }
    }
  }

  private checkLink(linkType: number, offset: number): void {
    if (!SUPPORTED_LINK_TYPES.has(linkType) && !this.warnedLink.has(linkType)) {
      this.warnedLink.add(linkType);
      this.warn("unsupported-link-type", offset, `Link type ${linkType} is not supported; its packets are skipped`);
    }
  }

  private warn(code: CaptureErrorCode, offset: number, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ code, offset, message });
  }

  private stop(code: CaptureErrorCode, offset: number, message: string): void {
    this.warn(code, offset, message);
    this.mode = "stopped";
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

/** Read a whole capture from a byte stream, yielding batches of TCP packets. Warnings go to `onWarnings`. */
export async function* readCapture(
  source: AsyncIterable<Uint8Array>,
  onWarnings?: (w: CaptureWarning[]) => void,
): AsyncGenerator<Packet[]> {
  const reader = new CaptureReader();
  for await (const chunk of source) {
    const batch = reader.push(chunk);
    if (batch.length > 0) yield batch;
  }
  const rest = reader.end();
  if (rest.length > 0) yield rest;
  onWarnings?.(reader.warnings);
}
