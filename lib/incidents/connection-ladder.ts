import "server-only";
/**
 * A connection's packet ladder, read back from its stored capture when someone opens it (issue #18), as Wireshark
 * does: seek to the first frame's record, re-parse up to the last frame, and run the tracker's ConnState over the
 * connection's packets (lib/analysis/tcp/ladder.ts). Capture blobs are never compressed (a .gz is unpacked into a
 * member blob of its own at ingest, handlers/archive.ts), so a seek is always possible; rows stored before #18 have
 * no offsets and are read from the start of the capture, stopping after their last frame.
 */
import { open } from "node:fs/promises";
import { z } from "zod";
import type { BlobStore } from "@/lib/ingest/blobs";
import { readFrameRange } from "@/lib/parsers/pcap";
import { LadderBuilder, type LadderStep } from "@/lib/analysis/tcp";

/** The capture's header blocks (CaptureReader.layout), stored in its file's counts at ingest. */
const CaptureCounts = z.object({
  layout: z
    .object({
      blocks: z.array(z.object({ offset: z.number(), length: z.number(), section: z.boolean() })),
      complete: z.boolean(),
    })
    .optional(),
});

export interface LadderRow {
  gatewayHost: string;
  gatewayPort: number;
  targetHost: string;
  targetPort: number;
  firstFrame: number;
  lastFrame: number;
  firstOffset: bigint | null;
  lastOffset: bigint | null;
}

export interface ConnectionLadder {
  ladder: LadderStep[];
  ladderOmitted: number;
  /** Why there is no ladder to show (the capture is no longer stored); null when there is one. */
  note: string | null;
}

export async function connectionLadder(
  store: BlobStore,
  file: { sha256: string; counts: unknown },
  c: LadderRow,
): Promise<ConnectionLadder> {
  let fh;
  try {
    fh = await open(store.pathOf(file.sha256), "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    return {
      ladder: [],
      ladderOmitted: 0,
      note: "The capture file is no longer stored, so this connection's packets cannot be shown.",
    };
  }
  try {
    const builder = new LadderBuilder({
      gateway: { host: c.gatewayHost, port: c.gatewayPort },
      target: { host: c.targetHost, port: c.targetPort },
      firstFrame: c.firstFrame,
      lastFrame: c.lastFrame,
    });
    const counts = CaptureCounts.safeParse(file.counts);
    await readFrameRange(
      async (offset, length) => {
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      },
      counts.success ? (counts.data.layout ?? null) : null,
      {
        firstFrame: c.firstFrame,
        lastFrame: c.lastFrame,
        firstOffset: c.firstOffset === null ? null : Number(c.firstOffset),
        lastOffset: c.lastOffset === null ? null : Number(c.lastOffset),
      },
      (packets) => builder.add(packets),
    );
    const { ladder, ladderOmitted, packets } = builder.finish();
    return {
      ladder,
      ladderOmitted,
      note:
        packets === 0
          ? `The capture holds no packets of this connection in frames ${c.firstFrame}–${c.lastFrame}.`
          : null,
    };
  } finally {
    await fh.close();
  }
}
