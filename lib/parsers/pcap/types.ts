/** Shared types of the capture reader. Pure. */

/** TCP flag bits as in the header (NS is bit 8). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
export const TCP_NS = 0x100;

export interface Packet {
  /** 1-based record number, counting every record (non-TCP too), like Wireshark's frame number. */
  frame: number;
  /** Byte offset in the capture of the record (pcap) or block (pcapng) that holds the frame. */
  offset: number;
  /** Epoch microseconds. */
  tsUs: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  seq: number;
  ack: number;
  /** Bitmask of TCP_* flags. */
  flags: number;
  window: number;
  /** IPv4 identification (a sender numbers each packet it sends, a retransmission too); -1 for IPv6. */
  ipId: number;
  /** The TCP checksum as captured (it covers the TCP options, TSval among them, and the payload). */
  checksum: number;
  /** TCP payload length computed from the IP lengths (may exceed payload.length under a snaplen). */
  payloadLen: number;
  /** Captured payload bytes; a view into the pushed chunk, valid while the caller keeps it. */
  payload: Uint8Array;
}

export type CaptureErrorCode =
  | "unrecognised-header"
  | "truncated-record"
  | "absurd-length"
  | "bad-block"
  | "unknown-block"
  | "unknown-interface"
  | "unsupported-link-type"
  | "malformed-packet";

export interface CaptureWarning {
  code: CaptureErrorCode;
  /** Absolute byte offset in the capture where the problem starts. */
  offset: number;
  message: string;
}

/** The only error thrown by the reader: the file does not start with a pcap/pcapng header. */
export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  readonly offset: number;
  constructor(code: CaptureErrorCode, offset: number, message: string) {
    super(`${message} (at byte ${offset})`);
    this.name = "CaptureError";
    this.code = code;
    this.offset = offset;
  }
}

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"];
const FLAG_STRINGS: string[] = [];
for (let f = 0; f < 512; f++) {
  FLAG_STRINGS.push(FLAG_NAMES.filter((_, i) => f & (1 << i)).join(","));
}

/** "SYN,ACK"-style flag list, lowest bit first like Wireshark's Info column. */
export function tcpFlagsString(flags: number): string {
  return FLAG_STRINGS[flags & 0x1ff];
}
