/** Groups TCP packets into connections per 4-tuple; a new SYN after a close, or with a new ISN, starts a new connection. */
import { TCP_ACK, TCP_SYN, type Packet } from "@/lib/parsers/pcap";
import { ConnState } from "./connection";
import { COPY_WITHIN_US } from "./dir-state";
import type { Connection, Endpoint } from "./types";

/** A closed connection is kept this long for stray packets (late RSTs, retransmitted FINs). */
const LINGER_US = 5_000_000;
const SWEEP_EVERY = 1024;

export interface TrackerOptions {
  /** Known target endpoints; otherwise the side that received the SYN is the target. */
  targets?: Endpoint[];
  /** Build each connection's packet ladder (default). Ingest does not: ladders are read back on demand (ladder.ts). */
  ladders?: boolean;
}

type Entry = { s: ConnState; gwHost: string; gwPort: number; syn: Packet | null; mirrors?: string[] };

export class ConnectionTracker {
  /** `syn`: the gateway's SYN that opened it, its sequence number the ISN (null: the capture starts inside it). */
  private readonly conns = new Map<string, Entry>();
  /**
   * The same connection on other addresses: a capture on both sides of a NAT (`tcpdump -i any` on a host that
   * rewrites a container's address or a service's) sees it twice, its ISNs unchanged. 4-tuple → the connection it
   * copies; its frames are counted as copies there and read no further.
   */
  private readonly mirrors = new Map<string, Entry>();
  /** Gateways' SYNs of the last moments by ISN, to know a mirror's. */
  private readonly recentSyns = new Map<number, { key: string; tsUs: number; e: Entry }>();
  private readonly targets: Set<string>;
  private readonly ladders: boolean;
  private nextId = 1;
  private count = 0;
  private nowUs = 0;

  constructor(opts: TrackerOptions = {}) {
    this.targets = new Set((opts.targets ?? []).map((t) => `${t.host}|${t.port}`));
    this.ladders = opts.ladders ?? true;
  }

  /** Add one packet; returns connections that finished (closed and lingered, or replaced by a new SYN). */
  add(p: Packet): Connection[] {
    const done: Connection[] = [];
    this.nowUs = p.tsUs;
    const a = `${p.src}|${p.srcPort}`;
    const b = `${p.dst}|${p.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const mirrored = this.mirrors.get(key);
    if (mirrored) {
      mirrored.s.copy(p);
      return this.counted(done);
    }
    let e = this.conns.get(key);
    // A SYN's retransmits carry its sequence number; a new one is a new attempt on the 4-tuple, after one whose close
    // was never seen or that never opened (unanswered SYNs the kernel gave up on: blind world random-341).
    const pureSyn = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    const sameGateway = e && p.src === e.gwHost && p.srcPort === e.gwPort;
    if (
      e?.syn &&
      pureSyn &&
      sameGateway &&
      p.seq === e.syn.seq &&
      e.s.closed &&
      !e.s.opened &&
      e.s.c.closer === "gateway"
    ) {
      // The target's side answered the SYN with a bare ACK (a stale connection on the 4-tuple), the gateway's stack
      // reset it and sent the SYN again: one connect(), whose answer is the retry's (blind world random-595). Read
      // again from its first SYN, this one a retransmit of it.
      e.s = new ConnState(e.s.c.id, e.s.c.gateway, e.s.c.target, e.syn, this.ladders);
      e.s.add(e.syn, true);
    } else if (e && pureSyn && (e.s.closed || (sameGateway && p.seq !== e.syn?.seq))) {
      done.push(this.finish(key, e));
      e = undefined;
    }
    if (!e) {
      const gwIsSrc = this.gatewayIsSource(p);
      const seen = pureSyn && gwIsSrc ? this.recentSyns.get(p.seq) : undefined;
      if (
        seen &&
        seen.key !== key &&
        Math.abs(p.tsUs - seen.tsUs) <= COPY_WITHIN_US &&
        this.conns.get(seen.key) === seen.e
      ) {
        this.mirrors.set(key, seen.e);
        (seen.e.mirrors ??= []).push(key);
        seen.e.s.copy(p);
        return this.counted(done);
      }
      const src = { host: p.src, port: p.srcPort };
      const dst = { host: p.dst, port: p.dstPort };
      // The opening SYN, without the read chunk its payload view would keep alive.
      const syn = pureSyn && gwIsSrc ? { ...p, payload: new Uint8Array(0) } : null;
      e = gwIsSrc
        ? { s: new ConnState(this.nextId++, src, dst, p, this.ladders), gwHost: p.src, gwPort: p.srcPort, syn }
        : { s: new ConnState(this.nextId++, dst, src, p, this.ladders), gwHost: p.dst, gwPort: p.dstPort, syn };
      this.conns.set(key, e);
      if (syn) this.recentSyns.set(p.seq, { key, tsUs: p.tsUs, e });
    }
    e.s.add(p, p.srcPort === e.gwPort && p.src === e.gwHost);
    return this.counted(done);
  }

  /** One more packet read: now and then the connections closed long enough are finished. */
  private counted(done: Connection[]): Connection[] {
    if (++this.count % SWEEP_EVERY === 0) this.sweep(done);
    return done;
  }

  /** Finish every remaining connection (end of capture), in order of first frame. */
  end(): Connection[] {
    const out = [...this.conns.values()].map((e) => e.s.finish());
    this.conns.clear();
    this.mirrors.clear();
    this.recentSyns.clear();
    return out.sort((x, y) => x.firstFrame - y.firstFrame);
  }

  /** A connection done: its 4-tuple (and its mirrors') may carry a new one from now on. */
  private finish(key: string, e: Entry): Connection {
    this.conns.delete(key);
    for (const m of e.mirrors ?? []) this.mirrors.delete(m);
    return e.s.finish();
  }

  private sweep(done: Connection[]): void {
    for (const [key, e] of this.conns)
      if (e.s.closed && this.nowUs - e.s.c.endUs > LINGER_US) done.push(this.finish(key, e));
    for (const [isn, syn] of this.recentSyns) if (this.nowUs - syn.tsUs > COPY_WITHIN_US) this.recentSyns.delete(isn);
  }

  private gatewayIsSource(p: Packet): boolean {
    if (this.targets.size > 0) {
      if (this.targets.has(`${p.dst}|${p.dstPort}`)) return true;
      if (this.targets.has(`${p.src}|${p.srcPort}`)) return false;
    }
    if (p.flags & TCP_SYN) return (p.flags & TCP_ACK) === 0;
    return p.dstPort < p.srcPort; // mid-stream: the lower (service) port is the target
  }
}

/** Convenience: run a whole packet list through a tracker. */
export function trackAll(packets: Iterable<Packet>, opts?: TrackerOptions): Connection[] {
  const t = new ConnectionTracker(opts);
  const out: Connection[] = [];
  for (const p of packets) out.push(...t.add(p));
  out.push(...t.end());
  return out.sort((x, y) => x.firstFrame - y.firstFrame);
}
