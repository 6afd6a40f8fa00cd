import { describe, expect, it } from "vitest";
import { inputProblems, nothingUsable } from "./input-problems";

const file = (over: Partial<Parameters<typeof inputProblems>[0][number]>) => ({
  id: "f1",
  name: "x",
  kind: "gateway-log" as const,
  size: 10,
  status: "done" as const,
  bytesDone: 10,
  error: null,
  counts: {},
  parentId: null,
  ...over,
});

describe("inputProblems", () => {
  it("names failed, skipped and partly read files with their reason", () => {
    const got = inputProblems([
      file({ id: "a", name: "api.log", counts: { malformed: 41 } }),
      file({
        id: "b",
        name: "cut.pcap",
        kind: "pcap",
        error: "Read 12 frames, then stopped at byte 900: Capture ends inside a record (7 bytes left over).",
      }),
      file({
        id: "c",
        name: "raw.pcap",
        kind: "pcap",
        counts: { warnings: [{ code: "unknown-block", offset: 3, message: "Skipped block of unknown type 0x9" }] },
      }),
      file({
        id: "d",
        name: "noise.bin",
        kind: "unknown",
        status: "skipped",
        error: "Not recognized as a gateway log.",
      }),
      file({ id: "e", name: "bad.pcap", kind: "pcap", status: "failed", error: null }),
      file({ id: "f", name: "ok.log", counts: { malformed: 0 } }),
      // Frames captured twice: each copy left out, nothing lost.
      file({
        id: "h",
        name: "any.pcap",
        kind: "pcap",
        counts: { frameCopies: 34, warnings: [{ code: "frame-copies", offset: 90, message: "34 frames are copies" }] },
      }),
      file({ id: "g", name: "big.log", status: "parsing", counts: { malformed: 3 } }),
    ]);
    expect(got.map((p) => [p.name, p.reason])).toEqual([
      ["api.log", "41 lines were not understood as gateway log lines."],
      ["cut.pcap", "Read 12 frames, then stopped at byte 900: Capture ends inside a record (7 bytes left over)."],
      ["raw.pcap", "Read only in part: Skipped block of unknown type 0x9"],
      ["noise.bin", "Not recognized as a gateway log."],
      ["bad.pcap", "Could not be read."],
    ]);
  });

  it("leaves out a copy skipped as a duplicate: the original is read", () => {
    const copy = file({ status: "skipped", error: "Same content as 'api.log'…", counts: { duplicateOf: "f0" } });
    expect(inputProblems([file({ id: "f0" }), copy])).toEqual([]);
  });
});

describe("nothingUsable", () => {
  it("is true only once parsing is over and every file that is not an archive failed or was skipped", () => {
    expect(nothingUsable([file({ kind: "zip" }), file({ status: "failed" }), file({ status: "skipped" })])).toBe(true);
    expect(nothingUsable([file({ status: "failed" }), file({ status: "done" })])).toBe(false);
    expect(nothingUsable([file({ status: "failed" }), file({ status: "queued" })])).toBe(false);
    expect(nothingUsable([])).toBe(false);
  });
});
