/**
 * Reading one range of frames back from a stored capture, as Wireshark does when it opens a packet: a connection's
 * ladder is derived from its frames when someone opens it, not stored at ingest (issue #18). Pure: the bytes come from
 * `read`, whatever holds them.
 */
import { CaptureReader, type CaptureLayout } from "./reader";
import type { Packet } from "./types";

/** Up to `length` bytes at `offset`; fewer at the end of the capture, none past it. */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

export interface FrameRange {
  firstFrame: number;
  lastFrame: number;
  /** Byte offsets of the first and last frames' records (Packet.offset); null when unknown: read from the start. */
  firstOffset: number | null;
  lastOffset: number | null;
}

const CHUNK = 1 << 20;
/** Read past the last frame's offset in one go: enough for its record in all but jumbo captures (which read on). */
const TAIL = 1 << 16;

/** The header blocks a reader needs before `offset`: the last section header before it and what follows it there. */
function headerBefore(layout: CaptureLayout, offset: number): CaptureLayout["blocks"] | null {
  if (!layout.complete) return null;
  const before = layout.blocks.filter((b) => b.offset + b.length <= offset);
  let s = -1;
  before.forEach((b, i) => {
    if (b.section) s = i;
  });
  return s < 0 ? null : before.slice(s);
}

/**
 * Hands `onPackets` the TCP packets of frames firstFrame..lastFrame, in frame order (payloads are views, valid during
 * the call). With both offsets and a complete layout it reads only from the first frame's record to just past the
 * last one's; otherwise from the start of the capture, still stopping after the last frame.
 */
export async function readFrameRange(
  read: ReadAt,
  layout: CaptureLayout | null,
  range: FrameRange,
  onPackets: (packets: Packet[]) => void,
): Promise<{ bytesRead: number; seeked: boolean }> {
  const reader = new CaptureReader();
  let pos = 0;
  let bytesRead = 0;
  const header =
    range.firstOffset !== null && range.lastOffset !== null && layout ? headerBefore(layout, range.firstOffset) : null;
  if (header) {
    for (const b of header) {
      const bytes = await read(b.offset, b.length);
      if (bytes.length !== b.length) throw new Error(`Capture header block at byte ${b.offset} is cut short`);
      reader.push(bytes);
      bytesRead += bytes.length;
    }
    pos = range.firstOffset!;
    reader.resumeAt(pos, range.firstFrame - 1);
  }
  const lastOffset = header ? range.lastOffset! : Infinity;
  while (reader.frames < range.lastFrame && !reader.stopped) {
    const chunk = await read(pos, Math.min(CHUNK, Math.max(lastOffset - pos + TAIL, TAIL)));
    if (chunk.length === 0) break;
    pos += chunk.length;
    bytesRead += chunk.length;
    const packets = reader.push(chunk).filter((p) => p.frame >= range.firstFrame && p.frame <= range.lastFrame);
    if (packets.length) onPackets(packets);
  }
  reader.end();
  return { bytesRead, seeked: header !== null };
}
