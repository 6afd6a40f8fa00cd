import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CaptureReader, readFrameRange, type Packet, type ReadAt } from ".";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name));
const readAt =
  (bytes: Uint8Array): ReadAt =>
  async (offset, length) =>
    bytes.subarray(offset, offset + length);
function readAll(bytes: Uint8Array): { reader: CaptureReader; packets: Packet[] } {
  const reader = new CaptureReader();
  // Small chunks: records straddle chunk boundaries and still report their own offsets.
  const packets: Packet[] = [];
  for (let o = 0; o < bytes.length; o += 1000) packets.push(...reader.push(bytes.subarray(o, o + 1000)));
  reader.end();
  return { reader, packets };
}

/* Expected offsets: tshark -o frame.show_file_off:TRUE -r <file> -T fields -e frame.number -e frame.file_off */
const TSHARK_FILE_OFF: Record<string, Array<[number, number]>> = {
  "two-sections.pcapng": [
    [1, 128],
    [2, 236],
    [17, 5652],
    [33, 7908],
    [34, 8016],
    [35, 8232],
    [36, 8344],
    [51, 13832],
    [68, 16268],
  ],
  "multi-if.pcapng": [
    [1, 176],
    [2, 284],
    [17, 2288],
    [34, 11336],
    [51, 13328],
    [68, 16056],
  ],
  "any-sll1.pcap": [
    [1, 24],
    [2, 116],
    [17, 5294],
    [34, 7385],
  ],
  "lo-nano.pcapng": [
    [1, 140],
    [2, 248],
    [17, 5664],
    [34, 8028],
  ],
};

describe("frame offsets", () => {
  it.each(Object.keys(TSHARK_FILE_OFF))("are tshark's frame.file_off in %s", (name) => {
    const { packets } = readAll(fixture(name));
    const byFrame = new Map(packets.map((p) => [p.frame, p.offset]));
    for (const [frame, off] of TSHARK_FILE_OFF[name]) expect(byFrame.get(frame), `frame ${frame}`).toBe(off);
  });

  it("lays out the header blocks a resumed reader needs: one per section header and interface", () => {
    expect(readAll(fixture("any-sll1.pcap")).reader.layout).toEqual({
      blocks: [{ offset: 0, length: 24, section: true }],
      complete: true,
    });
    const { blocks } = readAll(fixture("two-sections.pcapng")).reader.layout;
    expect(blocks.filter((b) => b.section).length).toBe(2);
    expect(blocks[0].offset).toBe(0);
  });
});

describe("readFrameRange", () => {
  it.each(["two-sections.pcapng", "multi-if.pcapng", "lo-nano.pcapng", "any-sll1.pcap", "raw.pcap", "lo-snap80.pcap"])(
    "gives the packets of a middle range of %s as a full read does, reading only that range",
    async (name) => {
      const bytes = fixture(name);
      const { reader, packets } = readAll(bytes);
      const mid = packets.slice(Math.floor(packets.length / 3), Math.floor((2 * packets.length) / 3));
      const range = {
        firstFrame: mid[0].frame,
        lastFrame: mid[mid.length - 1].frame,
        firstOffset: mid[0].offset,
        lastOffset: mid[mid.length - 1].offset,
      };
      const view = (ps: Packet[]) => ps.map((p) => ({ ...p, payload: Buffer.from(p.payload).toString("hex") }));
      const got: Packet[] = [];
      const r = await readFrameRange(readAt(bytes), reader.layout, range, (ps) =>
        got.push(...ps.map((p) => ({ ...p, payload: p.payload.slice() }))),
      );
      expect(r.seeked).toBe(true);
      expect(view(got)).toEqual(view(mid));
      expect(r.bytesRead).toBeLessThan(bytes.length);

      // Without offsets (rows stored before they were): read from the start, the same packets.
      const all: Packet[] = [];
      const s = await readFrameRange(readAt(bytes), null, { ...range, firstOffset: null, lastOffset: null }, (ps) =>
        all.push(...ps.map((p) => ({ ...p, payload: p.payload.slice() }))),
      );
      expect(s.seeked).toBe(false);
      expect(view(all)).toEqual(view(mid));
    },
  );

  it("reads from the start when the layout lost header blocks past its cap", async () => {
    const bytes = fixture("multi-if.pcapng");
    const { reader, packets } = readAll(bytes);
    const p = packets[packets.length - 1];
    const got: number[] = [];
    const r = await readFrameRange(
      readAt(bytes),
      { ...reader.layout, complete: false },
      { firstFrame: p.frame, lastFrame: p.frame, firstOffset: p.offset, lastOffset: p.offset },
      (ps) => got.push(...ps.map((q) => q.frame)),
    );
    expect(r.seeked).toBe(false);
    expect(got).toEqual([p.frame]);
  });
});
