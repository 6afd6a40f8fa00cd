/**
 * A connection's packet ladder while its packets arrive: the first LADDER_HEAD steps as they come, the last
 * LADDER_TAIL in a ring, the middle only counted (`ladderOmitted`). Pure.
 */
import { tcpFlagsString, TCP_ACK, type Packet } from "@/lib/parsers/pcap";
import { LADDER_HEAD, LADDER_TAIL, type Connection, type Dir, type LadderStep } from "./types";

export class LadderSteps {
  private ring: LadderStep[] = [];

  constructor(private readonly c: Pick<Connection, "ladder" | "ladderOmitted">) {}

  /** The step of the connection's `n`-th packet, its numbers relative to each side's initial sequence number. */
  add(p: Packet, dir: Dir, n: number, isn: number | null, otherIsn: number | null): LadderStep {
    const step: LadderStep = {
      frame: p.frame,
      tsUs: p.tsUs,
      dir,
      flags: tcpFlagsString(p.flags),
      seq: (p.seq - (isn ?? p.seq)) >>> 0,
      ack: p.flags & TCP_ACK && otherIsn !== null ? (p.ack - otherIsn) >>> 0 : 0,
      len: p.payloadLen,
    };
    if (n <= LADDER_HEAD) this.c.ladder.push(step);
    else {
      if (this.ring.length >= LADDER_TAIL) {
        this.ring.shift();
        this.c.ladderOmitted++;
      }
      this.ring.push(step);
    }
    return step;
  }

  /** The step of a frame already passed, if it is kept. */
  of(frame: number): LadderStep | null {
    return this.ring.findLast((s) => s.frame === frame) ?? this.c.ladder.findLast((s) => s.frame === frame) ?? null;
  }

  /** Appends the tail to the connection's ladder. */
  finish(): void {
    this.c.ladder.push(...this.ring);
    this.ring = [];
  }
}

export function note(step: LadderStep | null, text: string): void {
  if (step) step.note = step.note ? `${step.note}; ${text}` : text;
}
