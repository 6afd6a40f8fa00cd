import { CaptureReader, type Packet } from "@/lib/parsers/pcap";

/** Reads a whole capture `chunk` bytes at a time, as a stream delivers it: every packet, and the reader (its layout, warnings). */
export function readChunked(bytes: Uint8Array, chunk: number): { packets: Packet[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const packets: Packet[] = [];
  for (let i = 0; i < bytes.length; i += chunk) packets.push(...reader.push(bytes.subarray(i, i + chunk)));
  packets.push(...reader.end());
  return { packets, reader };
}
