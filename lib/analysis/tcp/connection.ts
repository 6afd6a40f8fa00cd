/** State of one TCP connection while packets arrive; `finish()` yields the public `Connection`. */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Packet } from "@/lib/parsers/pcap";
import { HttpStream, type HttpHead } from "./http";
import { ByteStream } from "./reassembly";
import { addBurstSegment, exchange, truncated } from "./bursts";
import { realignAfterLoss } from "./capture-loss";
import { carriesHandshakeOn, firstAnswerKind, opensApplicationData, opensClientHello } from "./tls-records";
import { TlsSession } from "./tls-session";
import { LadderSteps, note } from "./ladder-steps";
import { zeekState } from "./zeek-state";
import { newConnection, type Connection, type Dir, type Endpoint, type LadderStep } from "./types";
import { isCopy, noFrame, type DirState } from "./dir-state";

const fmtS = (us: number) => `${(us / 1e6).toFixed(2)} s`;

export class ConnState {
  readonly c: Connection;
  /** Closed (both FINs or an RST): the next SYN on the same 4-tuple starts a new connection. */
  closed = false;
  private g2t: DirState;
  private t2g: DirState;
  private synSeen = false;
  private synAckSeen = false;
  /** The target answered the gateway's SYN (a SYN-ACK): the connection opened. */
  get opened(): boolean {
    return this.synAckSeen;
  }
  private firstRst: Dir | null = null;
  private lastDataUs: number | null = null;
  private respIdx = 0;
  /** Null when no ladder is built (ingest). */
  private readonly steps: LadderSteps | null;
  private cur: { p: Packet; step: LadderStep | null; dir: Dir } | null = null;
  private history = "";
  /** The snap length cut a payload: exchanges are read from packet timing (bursts.ts), the HTTP parser is left out. */
  private byTiming = false;
  /** Records of an https connection (its exchanges when `c.tls`). */
  private readonly tls = new TlsSession({
    exchangeCount: () => this.c.exchanges.length,
    request: (p) => this.onTlsRequest(p),
    answer: (p, length, timeKnown) => this.onTlsAnswer(p, length, timeKnown),
    tickets: (p) => note(this.stepOf(p), "session tickets (encrypted)"),
    targetAlert: (p, rejectsHandshake) => this.onTargetAlert(p, rejectsHandshake),
  });
  /** TLS: the segment in hand carried bytes of a record that is not an alert (activity for idle timing). */
  private tlsActivity = false;

  /** `ladder: false`: no ladder steps (nor their notes) are built, only the summary (ingest). */
  constructor(id: number, gateway: Endpoint, target: Endpoint, p: Packet, ladder = true) {
    this.c = newConnection(id, gateway, target, p);
    this.steps = ladder ? new LadderSteps(this.c) : null;
    this.g2t = this.dirState(false);
    this.t2g = this.dirState(true);
  }

  private dirState(isResponse: boolean): DirState {
    const http = new HttpStream(isResponse, {
      head: (h) => (isResponse ? this.onResponse(h) : this.onRequest(h)),
      done: () => {
        if (isResponse) this.onResponseDone();
      },
      invalid: (line) => {
        if (isResponse) this.onInvalidResponse(line);
      },
    });
    const stream = new ByteStream({
      data: (b) => {
        if (this.c.tls) {
          if (this.tls.push(isResponse, b, this.cur?.p ?? null)) this.tlsActivity = true;
          return;
        }
        if (this.byTiming) return;
        if (isResponse) {
          const ex = this.c.exchanges[this.respIdx];
          if (ex) ex.responseBytes += b.length;
        }
        http.data(b);
      },
      gap: (n) => {
        if (this.c.tls) {
          if (this.tls.gap(isResponse, n, this.cur?.p ?? null)) this.tlsActivity = true;
        } else if (!this.byTiming) http.gap(n);
      },
    });
    return { stream, http, isn: null, fin: false, rst: false, hist: new Set(), prev: noFrame() };
  }

  /** A frame the capture holds twice (dir-state.ts `isCopy`, or the tracker's mirrors): counted, not read. */
  copy(p: Packet): void {
    this.c.copies++;
    this.c.firstCopy ??= { frame: p.frame, offset: p.offset };
  }

  add(p: Packet, fromGateway: boolean): void {
    const c = this.c;
    const dir: Dir = fromGateway ? "g2t" : "t2g";
    const d = fromGateway ? this.g2t : this.t2g;
    if (isCopy(d.prev, p)) {
      this.copy(p);
      // Its frames still run to the copy, as tshark's stream does (a ladder is read back by that range).
      c.lastFrame = p.frame;
      c.lastOffset = p.offset;
      return;
    }
    const other = fromGateway ? this.t2g : this.g2t;
    const lost = this.t2g.stream.lostBytes;
    const lostG = this.g2t.stream.lostBytes;
    const f = p.flags;
    c.endUs = p.tsUs;
    c.lastFrame = p.frame;
    c.lastOffset = p.offset;
    if (this.opensTlsMidStream(p)) {
      // A capture (or a rotated file) that starts inside an https connection: its handshake is over.
      c.tls = true;
      c.tlsContinued = true;
      this.tls.midStream();
    }
    if (fromGateway) {
      // A TLS ClientHello opens the gateway's first payload: the exchanges are encrypted, no HTTP head is readable.
      if (c.bytesG2T === 0 && opensClientHello(p.payload)) {
        c.tls = true;
        this.tls.hello(p);
      } else if (c.tls && c.bytesT2G > 0 && !c.tlsContinued && carriesHandshakeOn(p.payload)) c.tlsContinued = true;
      c.packetsG2T++;
      c.bytesG2T += p.payloadLen;
    } else {
      if (c.tls && p.payloadLen > 0) {
        if (c.bytesT2G === 0 && !c.tlsContinued) c.tlsFirstAnswer = firstAnswerKind(p.payload);
        this.tls.targetSegment(p);
      }
      c.packetsT2G++;
      c.bytesT2G += p.payloadLen;
    }

    if (f & TCP_SYN) {
      if (d.isn === null) d.isn = p.seq;
      d.stream.syn(p.seq);
      if (f & TCP_ACK) this.synAckSeen = true;
      else this.synSeen = true;
      this.letter(d, fromGateway, f & TCP_ACK ? "H" : "S");
    }
    if (d.isn === null) d.isn = (p.seq - 1) >>> 0;

    const n = this.c.packetsG2T + this.c.packetsT2G;
    const step = this.steps?.add(p, dir, n, d.isn, other.isn) ?? null;
    this.cur = { p, step, dir };
    const before = this.lastDataUs;
    if (f & TCP_ACK) other.stream.acked(p.ack);
    if (p.payloadLen > 0) {
      if (!this.byTiming && !c.tls && truncated(p)) this.byTiming = true;
      this.tlsActivity = false;
      const r = d.stream.segment(p.seq, p.payload, p.payloadLen);
      if (r === "duplicate") {
        c.retransmissions++;
        this.letter(d, fromGateway, "T");
      } else {
        this.letter(d, fromGateway, "D");
        if (this.byTiming) this.onTimedSegment(p, fromGateway, before);
        // an alert (close_notify) is the closing side's goodbye, not activity an idle timer would count
        if (!c.tls || this.tlsActivity) this.lastDataUs = p.tsUs;
      }
    } else if ((f & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && f & TCP_ACK) {
      this.letter(d, fromGateway, "A");
    }
    if (!fromGateway && f & TCP_ACK) this.markAcked(p);
    if (f & (TCP_FIN | TCP_RST)) this.onClose(p, d, fromGateway, before, step);
    if (this.t2g.stream.lostBytes > lost) c.targetLostUs = p.tsUs;
    if (this.g2t.stream.lostBytes > lostG) c.gatewayLostUs ??= p.tsUs;
    this.cur = null;
  }

  /** The connection's first payload, with no handshake seen, opens a TLS 1.2 / 1.3 application-data record. */
  private opensTlsMidStream(p: Packet): boolean {
    return (
      !this.synSeen && !this.synAckSeen && this.c.bytesG2T + this.c.bytesT2G === 0 && opensApplicationData(p.payload)
    );
  }

  private onClose(p: Packet, d: DirState, fromGateway: boolean, before: number | null, step: LadderStep | null): void {
    const c = this.c;
    const rst = (p.flags & TCP_RST) !== 0;
    if (rst) {
      d.rst = true;
      if (fromGateway) c.gatewayRst = true;
      else c.targetRst = true;
      if (this.firstRst === null) this.firstRst = fromGateway ? "g2t" : "t2g";
      if (!d.fin) d.stream.end(p.seq);
      this.letter(d, fromGateway, "R");
      this.closed = true;
    } else if (!d.fin) {
      d.fin = true;
      d.stream.end(p.seq);
      d.http.close();
      this.letter(d, fromGateway, "F");
      if (this.g2t.fin && this.t2g.fin) this.closed = true;
    }
    if (c.tls) this.tls.settle(); // a record held as a possible ticket, with nothing after it: an answer
    if (c.closeKind !== null) {
      note(step, rst ? "RST" : "FIN");
      return;
    }
    this.markClose(p, fromGateway, rst, p.payloadLen > 0 ? before : this.lastDataUs, step);
  }

  /** The connection's first close: who, how, when, and the quiet before it. */
  private markClose(
    p: Packet,
    fromGateway: boolean,
    rst: boolean,
    from: number | null,
    step: LadderStep | null,
    label = rst ? "RST" : "FIN",
  ): void {
    const c = this.c;
    c.closer = fromGateway ? "gateway" : "target";
    c.closeKind = rst ? "RST" : "FIN";
    c.closeUs = p.tsUs;
    c.closeFrame = p.frame;
    const last = c.exchanges[c.exchanges.length - 1];
    // The target's idle timer, as a race would run it, counts from the last byte before a request still
    // unanswered: that request cannot have restarted a timer that fired before it arrived.
    if (last && last.status === null && last.responseBytes === 0 && last.reqTsUs !== null) from = last.prevActivityUs;
    c.idleGapMs = from === null ? null : (p.tsUs - from) / 1000;
    c.closeQuietMs = this.lastDataUs === null ? null : (p.tsUs - this.lastDataUs) / 1000;
    const idle = from !== null && p.tsUs - from >= 100_000 ? `; idle ${fmtS(p.tsUs - from)}` : "";
    note(step, label + idle);
  }

  private onRequest(h: HttpHead): boolean {
    const p = this.cur?.p;
    const ex = exchange({
      method: h.method,
      path: h.path,
      reqTsUs: p?.tsUs ?? null,
      reqFrame: p?.frame ?? null,
      connectionHeader: h.connection,
      keepAliveTimeoutS: h.keepAliveTimeoutS,
      prevActivityUs: this.lastDataUs,
    });
    this.c.exchanges.push(ex);
    this.reqSeqs[this.c.exchanges.length - 1] = this.g2t.stream.next ?? 0;
    const idle =
      p && ex.prevActivityUs !== null && p.tsUs - ex.prevActivityUs >= 1e6
        ? `; idle ${fmtS(p.tsUs - ex.prevActivityUs)}`
        : "";
    note(this.cur?.step ?? null, `request ${h.method} ${h.path}${idle}`);
    return false;
  }

  /**
   * The target's TLS alert (close_notify, or an error) ends the session: its close, though its FIN may come later than
   * the gateway's answer to it.
   */
  private onTargetAlert(p: Packet, rejectsHandshake: boolean): void {
    if (this.c.closer !== null) return;
    this.markClose(p, false, false, this.lastDataUs, this.cur?.step ?? null, "TLS alert (close_notify or error)");
    if (rejectsHandshake) this.c.tlsRejectedAfterFinished = true;
  }

  /** The target's application data answers the request in flight. */
  private onTlsAnswer(p: Packet, length: number, timeKnown: boolean): void {
    const last = this.c.exchanges[this.c.exchanges.length - 1];
    if (last.responseBytes === 0) {
      last.respTsUs = timeKnown ? p.tsUs : null;
      last.respFrame = p.frame;
      last.complete = true;
      note(this.stepOf(p), "answer (encrypted)");
    }
    last.responseBytes += length;
    this.respIdx = this.c.exchanges.length;
  }

  /** The gateway's application data opens a request, unless it is more of the one in flight (its body). */
  private onTlsRequest(p: Packet): void {
    const exchanges = this.c.exchanges;
    const last = exchanges[exchanges.length - 1];
    if (last && last.reqTsUs !== null && last.responseBytes === 0) return;
    const before = this.lastDataUs;
    exchanges.push(exchange({ reqTsUs: p.tsUs, reqFrame: p.frame, prevActivityUs: before }));
    this.reqSeqs[exchanges.length - 1] = p.seq;
    this.respIdx = exchanges.length - 1;
    const idle = before !== null && p.tsUs - before >= 1e6 ? `; idle ${fmtS(p.tsUs - before)}` : "";
    note(this.cur?.step ?? null, `request (encrypted)${idle}`);
  }

  private onTimedSegment(p: Packet, fromGateway: boolean, prevActivityUs: number | null): void {
    const ex = addBurstSegment(this.c.exchanges, p, fromGateway, prevActivityUs);
    if (!ex) return;
    this.reqSeqs[this.c.exchanges.length - 1] = p.seq;
    this.respIdx = this.c.exchanges.length - 1;
    const idle =
      prevActivityUs !== null && p.tsUs - prevActivityUs >= 1e6 ? `; idle ${fmtS(p.tsUs - prevActivityUs)}` : "";
    note(this.cur?.step ?? null, `request ${ex.method ?? "?"} ${ex.path ?? "?"} (heads cut by the snap length)${idle}`);
  }

  /** Sequence number where each exchange's request starts (parallel to `exchanges`). */
  private reqSeqs: number[] = [];

  private onResponse(h: HttpHead): boolean {
    if (h.status !== null && h.status < 200) return true; // 1xx: interim, the real answer follows
    const p = this.cur?.p;
    if (p && this.t2g.stream.lostBytes > 0) this.respIdx = realignAfterLoss(this.c.exchanges, this.respIdx, p.tsUs);
    let ex = this.c.exchanges[this.respIdx];
    if (!ex) {
      ex = exchange({});
      this.c.exchanges.push(ex);
    }
    ex.status = h.status;
    ex.respTsUs = p?.tsUs ?? null;
    ex.respFrame = p?.frame ?? null;
    ex.connectionHeader = h.connection ?? ex.connectionHeader;
    ex.keepAliveTimeoutS = h.keepAliveTimeoutS;
    ex.contentLength = h.contentLength;
    ex.chunked = h.chunked;
    note(this.cur?.step ?? null, `response ${h.status}`);
    return ex.method === "HEAD";
  }

  /** The target answered with a head Node's parser rejects: an answer all the same, not a pending request. */
  private onInvalidResponse(line: string): void {
    const p = this.cur?.p;
    let ex = this.c.exchanges[this.respIdx];
    if (!ex) {
      ex = exchange({});
      this.c.exchanges.push(ex);
    }
    ex.invalidResponse = line;
    ex.respTsUs = p?.tsUs ?? null;
    ex.respFrame = p?.frame ?? null;
    note(this.cur?.step ?? null, `response not valid HTTP: ${line}`);
    this.respIdx++;
  }

  private onResponseDone(): void {
    const ex = this.c.exchanges[this.respIdx];
    if (ex && ex.status !== null) {
      ex.complete = true;
      this.respIdx++;
    }
  }

  private markAcked(p: Packet): void {
    for (let i = this.respIdx; i < this.c.exchanges.length; i++) {
      const ex = this.c.exchanges[i];
      const seq = this.reqSeqs[i];
      if (ex.reqAckedUs === null && seq !== undefined && ((p.ack - seq) | 0) > 0) ex.reqAckedUs = p.tsUs;
    }
  }

  private letter(d: DirState, fromGateway: boolean, l: string): void {
    if (d.hist.has(l)) return;
    d.hist.add(l);
    this.history += fromGateway ? l : l.toLowerCase();
  }

  /** The ladder step of a packet already passed (a TLS record held until a later one told what it was). */
  private stepOf(p: Packet): LadderStep | null {
    return this.cur?.p === p ? this.cur.step : (this.steps?.of(p.frame) ?? null);
  }

  /** Flush buffered data and compute the summary fields. */
  finish(): Connection {
    const c = this.c;
    const lost = this.t2g.stream.lostBytes;
    const lostG = this.g2t.stream.lostBytes;
    for (const d of [this.g2t, this.t2g]) {
      d.stream.end(null);
      d.http.close();
    }
    if (this.t2g.stream.lostBytes > lost) c.targetLostUs = c.endUs;
    if (this.g2t.stream.lostBytes > lostG) c.gatewayLostUs ??= c.endUs;
    if (c.tls) this.tls.settle();
    c.gaps = this.g2t.stream.gaps + this.t2g.stream.gaps;
    this.steps?.finish();
    c.history = this.history;
    const { synSeen, synAckSeen, firstRst } = this;
    c.connState = zeekState({ synSeen, synAckSeen, firstRst, o: this.g2t, r: this.t2g });
    return c;
  }
}
