import { createReadStream } from "node:fs";
import { CaptureReader } from "@/lib/parsers/pcap";
import type { FileCounts, FileJobContext } from "./context";

/** Reads a capture end to end: packet counts, time range and the reader's warnings (with byte offsets). */
export async function parseCaptureFile(ctx: FileJobContext): Promise<FileCounts> {
  const reader = new CaptureReader();
  let tcpPackets = 0;
  let firstTs = 0;
  let lastTs = 0;
  let read = 0;
  const take = (packets: ReturnType<CaptureReader["push"]>) => {
    for (const p of packets) {
      tcpPackets++;
      const ms = p.tsUs / 1000;
      if (!firstTs || ms < firstTs) firstTs = ms;
      if (ms > lastTs) lastTs = ms;
    }
  };
  for await (const chunk of createReadStream(ctx.store.pathOf(ctx.file.sha256), { highWaterMark: 1 << 20 })) {
    read += (chunk as Buffer).length;
    take(reader.push(chunk as Buffer));
    ctx.progress(read);
  }
  take(reader.end());
  return { frames: reader.frames, tcpPackets, firstTs: Math.floor(firstTs), lastTs: Math.ceil(lastTs), warnings: reader.warnings.slice(0, 50) };
}
