/**
 * An https connection read from its TLS record headers (tls-records.ts): where the handshake ends, which records are
 * requests and answers, and which are alerts. Application data after the handshake is a request (the gateway's) or
 * an answer (the target's); handshake records, change_cipher_spec and alerts are not. TLS 1.3 hides its handshake in
 * application-data records: the target's before the gateway's first one, and the gateway's first one (its Finished).
 * Its session tickets look like answer bytes. Tickets are told apart when they come as OpenSSL sends them (two
 * small records of one length, back to back, within the handshake's round trip of the gateway's Finished); a single
 * ticket after the first request still reads as its answer (answer time unknown), and can make a new connection's
 * unanswered first request look answered. Pure.
 */
import type { Packet } from "@/lib/parsers/pcap";
import {
  TLS_ALERT,
  TLS_APPLICATION_DATA,
  TLS_CHANGE_CIPHER_SPEC,
  TLS_HANDSHAKE,
  TLS_OPAQUE,
  TLS13_ALERT_RECORD_MAX,
  TlsRecordFramer,
} from "./tls-records";

/**
 * The largest record taken for a session ticket. OpenSSL's (Node, nginx) are 250 bytes on the wire; an answer's
 * first records of one length are full 16 kB records of a large body, not this.
 */
const TICKET_RECORD_MAX = 512;
/** Tickets are written back to back: the second within this of the first. */
const TICKET_PAIR_US = 2_000;
/** Slack beyond the handshake's round trip for the tickets to follow the gateway's Finished. */
const FINISHED_SLACK_US = 5_000;

/** What the connection does with what the records show. */
export interface TlsEvents {
  /** How many exchanges the connection holds. */
  exchangeCount(): number;
  /** The gateway's application data: a request, or more of the one in flight. */
  request(p: Packet): void;
  /** The target's application data; `timeKnown` false when it may be TLS 1.3 session tickets. */
  answer(p: Packet, length: number, timeKnown: boolean): void;
  /** The target's TLS 1.3 session tickets (not an answer). */
  tickets(p: Packet): void;
  /** The target's alert (close_notify, or an error): `rejectsHandshake` when it answered the gateway's Finished itself. */
  targetAlert(p: Packet, rejectsHandshake: boolean): void;
}

export class TlsSession {
  private readonly g2t: TlsRecordFramer;
  private readonly t2g: TlsRecordFramer;
  private cur: Packet | null = null;
  /** The target sent encrypted records before the gateway's first one (its TLS 1.3 flight), or the gateway's went on so. */
  private tls13 = false;
  /** The gateway's handshake is over (its Finished went out); what follows is application data. */
  private gatewayFinished = false;
  /** TLS 1.2: the gateway sent handshake records after the target's hello. */
  private gatewayHandshook = false;
  /** The gateway sent change_cipher_spec (1.2: its Finished follows as a handshake record; 1.3: as data). */
  private gatewayCipherChanged = false;
  /** When the gateway's ClientHello left, and the round trip to the target's first bytes (its hello). */
  private helloUs: number | null = null;
  private helloRttUs: number | null = null;
  private finishedUs: number | null = null;
  /** The target sent application data (a session ticket, an answer) after the gateway's Finished. */
  private targetSentAfterFinished = false;
  /** TLS 1.3: the target's session tickets came (before the first request, or told apart after it). */
  private ticketsSeen = false;
  /** TLS 1.3: the target's first record after the first request, held until the next tells ticket from answer. */
  private held: { p: Packet; length: number } | null = null;

  constructor(private readonly on: TlsEvents) {
    this.g2t = new TlsRecordFramer((type, length) => this.onRecord(false, type, length));
    this.t2g = new TlsRecordFramer((type, length) => this.onRecord(true, type, length));
  }

  /** The gateway's ClientHello left. */
  hello(p: Packet): void {
    this.helloUs = p.tsUs;
  }

  /** A payload segment of the target's, before the record bytes it carries are pushed. */
  targetSegment(p: Packet): void {
    if (this.helloUs !== null && this.helloRttUs === null) this.helloRttUs = p.tsUs - this.helloUs;
  }

  /** The capture starts inside the connection: its handshake is over. */
  midStream(): void {
    this.gatewayFinished = true;
  }

  /** One segment's in-order bytes; returns whether any belongs to a record that is not an alert. */
  push(fromTarget: boolean, b: Uint8Array, p: Packet | null): boolean {
    this.cur = p;
    return (fromTarget ? this.t2g : this.g2t).push(b);
  }

  /** Bytes the capture did not keep; returns whether they count as activity. */
  gap(fromTarget: boolean, n: number, p: Packet | null): boolean {
    this.cur = p;
    return (fromTarget ? this.t2g : this.g2t).gap(n);
  }

  /** One record header of either side; returns whether it is an alert. */
  private onRecord(fromTarget: boolean, type: number, length: number): boolean {
    const p = this.cur;
    // Records a snap length hid: after the handshake, application data as far as timing tells; before it, nothing.
    if (type === TLS_OPAQUE) {
      if (p && this.gatewayFinished) {
        // A snap length hid the second ticket: exactly one more record of the first one's length.
        if (fromTarget && this.held && length === 5 + this.held.length && this.mayBeTicket(p, this.held.length))
          return this.ticketsFound(p);
        this.settle();
        if (!fromTarget) this.on.request(p);
        else if (this.on.exchangeCount() > 0) this.answer(p, 1);
      }
      return false;
    }
    // No HTTP message fits a record this short, in TLS 1.2 (its AEAD adds 24 bytes) or 1.3 (its alerts are 19).
    if (type === TLS_ALERT || (type === TLS_APPLICATION_DATA && length <= TLS13_ALERT_RECORD_MAX)) {
      if (fromTarget) this.settle();
      if (fromTarget && p)
        this.on.targetAlert(p, this.tls13 && !this.targetSentAfterFinished && this.answersFinished(p));
      return true;
    }
    if (!fromTarget) this.gatewayRecord(type, p);
    if (type !== TLS_APPLICATION_DATA || !p) return false;
    if (fromTarget) {
      if (this.gatewayFinished) this.targetSentAfterFinished = true;
      if (this.on.exchangeCount() === 0) {
        // Before any request: the target's encrypted TLS 1.3 flight, or after the handshake its session tickets.
        if (this.gatewayFinished) {
          if (!this.ticketsSeen) this.on.tickets(p);
          this.ticketsSeen = true;
        } else if (!this.gatewayHandshook) this.tls13 = true;
        return false;
      }
      if (this.mayBeTicket(p, length)) {
        if (!this.held) {
          this.held = { p, length };
          return false;
        }
        if (this.held.length === length) return this.ticketsFound(p);
      }
      this.settle();
      this.answer(p, length);
      return false;
    }
    this.settle();
    if (!this.gatewayFinished) {
      this.gatewayFinished = true;
      this.finishedUs = p.tsUs;
      // TLS 1.3 (the target's encrypted flight, or no handshake record of the gateway's since the hello; a snap
      // length may have cut the flight): this first record is the gateway's Finished.
      if (this.tls13 || !this.gatewayHandshook) {
        this.tls13 = true;
        return false;
      }
    }
    this.on.request(p);
    return false;
  }

  /** The held record and this one were session tickets: no answer. Returns false (not an alert). */
  private ticketsFound(p: Packet): false {
    this.held = null;
    this.ticketsSeen = true;
    this.on.tickets(p);
    return false;
  }

  /** A record held as a possible ticket is an answer after all: the target closes, the gateway goes on, the capture ends. */
  settle(): void {
    const held = this.held;
    this.held = null;
    if (held) this.answer(held.p, held.length);
  }

  /** A small record of the first exchange, within the handshake's round trip of the gateway's Finished. */
  private mayBeTicket(p: Packet, length: number): boolean {
    if (!this.tls13 || this.ticketsSeen || this.on.exchangeCount() !== 1 || length > TICKET_RECORD_MAX) return false;
    if (this.finishedUs === null || this.helloRttUs === null) return false;
    if (p.tsUs - this.finishedUs > this.helloRttUs + FINISHED_SLACK_US) return false;
    return !this.held || p.tsUs - this.held.p.tsUs <= TICKET_PAIR_US;
  }

  /** TLS 1.2's client goes on with handshake records (key exchange, Finished) after the server's hello; 1.3's does not. */
  private gatewayRecord(type: number, p: Packet | null): void {
    if (type === TLS_CHANGE_CIPHER_SPEC) this.gatewayCipherChanged = true;
    if (type !== TLS_HANDSHAKE || this.helloRttUs === null) return;
    this.gatewayHandshook = true;
    // TLS 1.2's Finished: a handshake record after the gateway's change_cipher_spec. Its handshake is over.
    if (this.gatewayCipherChanged && p) {
      this.gatewayFinished = true;
      this.finishedUs = p.tsUs;
    }
  }

  /** Tickets not seen yet may be these bytes when they answer the first request: its answer time is then unknown. */
  private answer(p: Packet, length: number): void {
    this.on.answer(p, length, !(this.tls13 && !this.ticketsSeen && this.on.exchangeCount() === 1));
  }

  /**
   * The target's packet is its reaction to the gateway's Finished itself, not to a request after it: it came within
   * the handshake's round trip (hello to hello, an upper bound: it includes the target's key work) and 5 ms. A target
   * that hangs up on the request takes its own time to read it and decide.
   */
  private answersFinished(p: Packet): boolean {
    if (this.finishedUs === null || this.helloRttUs === null) return false;
    return p.tsUs - this.finishedUs <= this.helloRttUs + 5_000;
  }
}
