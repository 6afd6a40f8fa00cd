import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CaptureReader, readFrameRange, type ReadAt } from "@/lib/parsers/pcap";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { ConnectionTracker, LadderBuilder, type Connection } from ".";

/*
 * Ladders derived from a connection's frames equal the ones the tracker built at ingest before #18 (golden.json,
 * written by scripts/ladder-golden.ts on commit 3bfe104), for every connection of each capture.
 */
type Golden = Record<
  string,
  Array<{ id: number; firstFrame: number; lastFrame: number; ladderOmitted: number; ladder: unknown[] }>
>;
const fixtures = path.resolve(import.meta.dirname, "../__fixtures__");
const golden = JSON.parse(readFileSync(path.join(fixtures, "ladder/golden.json"), "utf8")) as Golden;
const FILES: Record<string, string> = {
  "acme-prod-502/gw01-to-target.pcap": path.join(SAMPLE_DIR, "gw01-to-target.pcap"),
  "race-2s/capture.pcap": path.join(fixtures, "lab/race-2s/capture.pcap"),
  "premature-3/capture.pcap": path.join(fixtures, "lab/premature-3/capture.pcap"),
  "two-hosts-one-port/capture.pcap": path.join(fixtures, "lab/two-hosts-one-port/capture.pcap"),
  "__fixtures__/two-sections.pcapng": path.resolve(
    import.meta.dirname,
    "../../parsers/pcap/__fixtures__/two-sections.pcapng",
  ),
  "__fixtures__/lo-nano.pcapng": path.resolve(import.meta.dirname, "../../parsers/pcap/__fixtures__/lo-nano.pcapng"),
  "__fixtures__/any-sll1.pcap": path.resolve(import.meta.dirname, "../../parsers/pcap/__fixtures__/any-sll1.pcap"),
  "__fixtures__/raw.pcap": path.resolve(import.meta.dirname, "../../parsers/pcap/__fixtures__/raw.pcap"),
  "ladder/interleaved.pcap": path.join(fixtures, "ladder/interleaved.pcap"),
};

/** As ingest runs it: no ladders, chunks of 4 kB. */
function ingest(bytes: Uint8Array) {
  const reader = new CaptureReader();
  const tracker = new ConnectionTracker({ ladders: false });
  const conns: Connection[] = [];
  for (let o = 0; o < bytes.length; o += 4096)
    for (const p of reader.push(bytes.subarray(o, o + 4096))) conns.push(...tracker.add(p));
  reader.end();
  conns.push(...tracker.end());
  return { conns: conns.sort((a, b) => a.firstFrame - b.firstFrame), layout: reader.layout };
}

describe("ladders derived on demand", () => {
  it("golden.json covers every capture listed here", () =>
    expect(Object.keys(golden).sort()).toEqual(Object.keys(FILES).sort()));

  it.each(Object.keys(FILES))("are the ingest-time ladders of every connection of %s", async (key) => {
    const bytes = readFileSync(FILES[key]);
    const read: ReadAt = async (o, n) => bytes.subarray(o, o + n);
    const { conns, layout } = ingest(bytes);
    expect(conns.map((c) => [c.firstFrame, c.lastFrame])).toEqual(golden[key].map((g) => [g.firstFrame, g.lastFrame]));
    expect(conns.every((c) => c.ladder.length === 0)).toBe(true);
    for (const c of conns) {
      const want = golden[key].find((g) => g.firstFrame === c.firstFrame)!;
      const b = new LadderBuilder(c);
      const r = await readFrameRange(read, layout, c, (ps) => b.add(ps));
      expect(r.seeked).toBe(true);
      const got = b.finish();
      expect({ ladder: got.ladder, ladderOmitted: got.ladderOmitted }, `frame ${c.firstFrame}`).toEqual({
        ladder: want.ladder,
        ladderOmitted: want.ladderOmitted,
      });
      expect(got.packets).toBe(c.packetsG2T + c.packetsT2G);
    }
  });

  it("shows each frame once of a capture on two interfaces, as its one-interface capture's ladder", async () => {
    // multi-if.pcapng is lo.pcap and any-sll1.pcap (one recording on two interfaces) merged: every frame twice, µs
    // apart. raw.pcap is lo.pcap as raw IP (golden.json). tshark -T fields -e tcp.stream -e frame.number: streams
    // 0, 1, 2 over frames 1–46, 37–64, 65–68, of 40, 24, 4 frames; raw.pcap's hold 20, 12, 2.
    const bytes = readFileSync(path.resolve(import.meta.dirname, "../../parsers/pcap/__fixtures__/multi-if.pcapng"));
    const { conns, layout } = ingest(bytes);
    expect(conns.map((c) => [c.firstFrame, c.lastFrame, c.packetsG2T + c.packetsT2G, c.copies])).toEqual([
      [1, 46, 20, 20],
      [37, 64, 12, 12],
      [65, 68, 2, 2],
    ]);
    expect(conns.map((c) => c.retransmissions)).toEqual([0, 0, 0]);
    const steps = (ladder: unknown[]) => ladder.map((s) => ({ ...(s as object), frame: 0, tsUs: 0 }));
    for (const [i, c] of conns.entries()) {
      const b = new LadderBuilder(c);
      await readFrameRange(
        async (o, n) => bytes.subarray(o, o + n),
        layout,
        c,
        (ps) => b.add(ps),
      );
      expect(steps(b.finish().ladder)).toEqual(steps(golden["__fixtures__/raw.pcap"][i].ladder));
    }
  });

  it("reads one short connection among long interleaved ones from its own bytes only", async () => {
    const bytes = readFileSync(FILES["ladder/interleaved.pcap"]);
    const { conns, layout } = ingest(bytes);
    // tshark -q -z conv,tcp: 10.1.0.45:40045 ↔ 10.9.9.9:8080, 10 frames, starting 0.066668 s in.
    const c = conns.find((x) => x.gateway.host === "10.1.0.45")!;
    expect(c.packetsG2T + c.packetsT2G).toBe(10);
    const r = await readFrameRange(
      async (o, n) => bytes.subarray(o, o + n),
      layout,
      c,
      () => {},
    );
    expect(r.bytesRead).toBeLessThan(c.lastOffset - c.firstOffset + 24 + (1 << 16) + 1);
    expect(r.bytesRead).toBeLessThan(bytes.length / 2);
  });
});
