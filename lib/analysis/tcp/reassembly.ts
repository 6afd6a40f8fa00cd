/** Per-direction TCP byte-stream reassembly by sequence number. Bounded buffering of out-of-order data. */

export interface StreamSink {
  data(bytes: Uint8Array): void;
  /** `len` bytes that will never be seen (lost, or cut by the snap length). */
  gap(len: number): void;
}

export type SegmentResult = "in-order" | "out-of-order" | "duplicate" | "empty";

/** Out-of-order bytes buffered per direction before we declare a gap. */
export const MAX_OOO_BYTES = 256 * 1024;
const MAX_OOO_SEGMENTS = 256;
/** More unseen bytes than a receive window holds is no loss but a sequence number that means something else. */
const MAX_UNSEEN = 16 * 1024 * 1024;

interface Held {
  seq: number;
  data: Uint8Array;
  len: number;
}

export class ByteStream {
  /** Next expected absolute sequence number (null until the ISN or first data is known). */
  next: number | null = null;
  gaps = 0;
  /** Bytes of segments the capture never saw (not those cut by the snap length). */
  lostBytes = 0;
  private ackedTo: number | null = null;
  private finSeq: number | null = null;
  private held: Held[] = [];
  private heldBytes = 0;

  constructor(private readonly sink: StreamSink) {}

  /** The SYN carried sequence number `isn`; data starts at isn + 1. */
  syn(isn: number): void {
    if (this.next === null) this.next = (isn + 1) >>> 0;
  }

  /** One segment: `data` are the captured bytes, `len` the real payload length (≥ data.length). */
  segment(seq: number, data: Uint8Array, len: number): SegmentResult {
    if (len <= 0) return "empty";
    if (this.next === null) this.next = seq;
    let d = (seq - this.next) | 0;
    if (d + len <= 0) return "duplicate";
    if (d > 0) {
      this.hold(seq, data, len);
      return "out-of-order";
    }
    if (d < 0) {
      data = data.subarray(Math.min(-d, data.length));
      len += d;
      d = 0;
    }
    this.deliver(data, len);
    this.drain();
    return "in-order";
  }

  /**
   * The peer acknowledged up to `ack`: bytes below it that we never captured are a gap, so stop
   * waiting for them and deliver what is held.
   */
  acked(ack: number): void {
    if (this.ackedTo === null || ((ack - this.ackedTo) | 0) > 0) this.ackedTo = ack;
    if (this.held.length === 0 || this.next === null) return;
    const first = this.held[0];
    const upTo = ((ack - first.seq) | 0) > 0 ? first.seq : ack;
    const d = (upTo - this.next) | 0;
    if (d > 0) {
      this.skip(d);
      this.drain();
    }
  }

  /**
   * The sender's FIN or RST at `seq` (null: the capture ends): every byte before it was sent, and every byte the peer
   * acknowledged was received, so those the capture never saw are a gap (tcpdump's buffer full drops segments). Only
   * here, at the stream's end: an ACK may reach the capture a moment before the segment it acknowledges.
   */
  end(seq: number | null): void {
    this.flush();
    if (this.next === null) return;
    const fin = seq !== null && this.finSeq === null ? (this.finSeq = seq) : this.finSeq;
    // bytes from the next expected one up to `x`, less the FIN's own sequence number when `x` is past it
    const unseen = (x: number | null) =>
      x === null ? 0 : ((x - (this.next as number)) | 0) - (fin !== null && ((x - fin) | 0) > 0 ? 1 : 0);
    const lost = Math.max(unseen(this.ackedTo), unseen(seq));
    if (lost > 0 && lost < MAX_UNSEEN) this.skip(lost);
  }

  /** End of stream: deliver whatever is held, with gaps between. */
  flush(): void {
    while (this.held.length > 0) {
      const h = this.held[0];
      const d = (h.seq - (this.next as number)) | 0;
      if (d > 0) this.skip(d);
      this.drain();
    }
  }

  private deliver(data: Uint8Array, len: number): void {
    if (data.length > 0) this.sink.data(data);
    if (len > data.length) {
      this.gaps++;
      this.sink.gap(len - data.length);
    }
    this.next = ((this.next as number) + len) >>> 0;
  }

  private skip(n: number): void {
    this.gaps++;
    this.lostBytes += n;
    this.sink.gap(n);
    this.next = ((this.next as number) + n) >>> 0;
  }

  private hold(seq: number, data: Uint8Array, len: number): void {
    let i = this.held.length;
    while (i > 0 && ((this.held[i - 1].seq - seq) | 0) > 0) i--;
    if (i > 0 && this.held[i - 1].seq === seq) return; // duplicate of a held segment
    this.held.splice(i, 0, { seq, data: data.slice(), len });
    this.heldBytes += data.length;
    if (this.heldBytes > MAX_OOO_BYTES || this.held.length > MAX_OOO_SEGMENTS) {
      // Give up waiting for the hole: skip to the first held segment.
      const first = this.held[0];
      this.skip((first.seq - (this.next as number)) | 0);
      this.drain();
    }
  }

  private drain(): void {
    while (this.held.length > 0) {
      const h = this.held[0];
      const d = (h.seq - (this.next as number)) | 0;
      if (d > 0) return;
      this.held.shift();
      this.heldBytes -= h.data.length;
      if (d + h.len <= 0) continue;
      const data = h.data.subarray(Math.min(-d, h.data.length));
      this.deliver(data, h.len + d);
    }
  }
}
