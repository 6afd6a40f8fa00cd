/**
 * One connection's packet ladder, derived from its frames when someone opens it (issue #18): the packets of the
 * capture between its first and last frame go through the same ConnState the tracker ran at ingest, so steps,
 * relative numbers, notes and the omitted middle are what the tracker would have built. Pure.
 */
import type { Packet } from "@/lib/parsers/pcap";
import { ConnState } from "./connection";
import type { Endpoint, LadderStep } from "./types";

export interface LadderSource {
  gateway: Endpoint;
  target: Endpoint;
  firstFrame: number;
  lastFrame: number;
}

export interface DerivedLadder {
  ladder: LadderStep[];
  ladderOmitted: number;
  packets: number;
}

/**
 * Feed it the capture's packets of frames firstFrame..lastFrame (others are ignored). Within its frame range a
 * connection's 4-tuple carries only its own packets: the tracker starts a new connection on that 4-tuple only with
 * a SYN after this one's last frame.
 */
export class LadderBuilder {
  private s: ConnState | null = null;
  private n = 0;

  constructor(private readonly c: LadderSource) {}

  add(packets: Packet[]): void {
    const { gateway: g, target: t, firstFrame, lastFrame } = this.c;
    for (const p of packets) {
      if (p.frame < firstFrame || p.frame > lastFrame) continue;
      const fromGateway = p.src === g.host && p.srcPort === g.port;
      if (
        !(fromGateway
          ? p.dst === t.host && p.dstPort === t.port
          : p.src === t.host && p.srcPort === t.port && p.dst === g.host && p.dstPort === g.port)
      )
        continue;
      this.s ??= new ConnState(0, g, t, p);
      this.s.add(p, fromGateway);
      this.n++;
    }
  }

  finish(): DerivedLadder {
    if (!this.s) return { ladder: [], ladderOmitted: 0, packets: 0 };
    const c = this.s.finish();
    return { ladder: c.ladder, ladderOmitted: c.ladderOmitted, packets: this.n };
  }
}
