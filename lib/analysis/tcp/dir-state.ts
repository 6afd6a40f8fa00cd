import type { Packet } from "@/lib/parsers/pcap";
import type { HttpStream } from "./http";
import type { ByteStream } from "./reassembly";

/** One direction of a connection while packets arrive: its bytes, its HTTP, its first sequence number and flags. */
export interface DirState {
  stream: ByteStream;
  http: HttpStream;
  isn: number | null;
  fin: boolean;
  rst: boolean;
  /** History letters already written for this direction (each once, as Zeek writes them). */
  hist: Set<string>;
  /** The direction's previous frame, as `isCopy` compares it: its fields only, so no read chunk stays alive. */
  prev: FrameFields;
}

type FrameFields = Pick<Packet, "tsUs" | "seq" | "ack" | "flags" | "window" | "payloadLen" | "ipId" | "checksum">;

/** Nothing before: no frame is a copy of it. */
export const noFrame = (): FrameFields => ({
  tsUs: -Infinity,
  seq: 0,
  ack: 0,
  flags: 0,
  window: 0,
  payloadLen: 0,
  ipId: 0,
  checksum: 0,
});

/**
 * A capture on several interfaces (`tcpdump -i any` where the gateway reaches its target through a bridge, as
 * containers do) holds each frame twice, microseconds apart. A copy repeats the direction's previous frame field for
 * field, the IPv4 id and the TCP checksum (over options and payload) included; a retransmission never does: it is a
 * new IPv4 packet, with a new id, comes after a timeout of 10 ms or more (Linux's tail-loss probe; fast retransmits
 * follow later segments, so never their original directly), and usually carries a new TCP timestamp.
 */
export const COPY_WITHIN_US = 1000;

/** Whether `p` is a copy of the direction's previous frame; if not, `p` becomes that frame. */
export function isCopy(prev: FrameFields, p: Packet): boolean {
  if (
    p.tsUs - prev.tsUs <= COPY_WITHIN_US &&
    p.seq === prev.seq &&
    p.ack === prev.ack &&
    p.flags === prev.flags &&
    p.window === prev.window &&
    p.payloadLen === prev.payloadLen &&
    p.ipId === prev.ipId &&
    p.checksum === prev.checksum
  )
    return true;
  prev.tsUs = p.tsUs;
  prev.seq = p.seq;
  prev.ack = p.ack;
  prev.flags = p.flags;
  prev.window = p.window;
  prev.payloadLen = p.payloadLen;
  prev.ipId = p.ipId;
  prev.checksum = p.checksum;
  return false;
}
