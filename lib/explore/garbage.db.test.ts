/**
 * Garbage lines inside a real log, end to end: counted as malformed on the file, listed as parse issues, and
 * found by the explorer's free text. The fixture and its grep counts: lib/parsers/log/garbage.test.ts.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestEnv } from "@/lib/testing/test-db";
import { storeFiles } from "@/lib/testing/samples";
import type { BlobStore } from "@/lib/ingest/blobs";
import { openIngested } from "@/lib/testing/worker";
import { queryLines } from "./query";
import { LineQuery } from "./schema";

const FIXTURE = path.resolve(import.meta.dirname, "../parsers/log/fixtures/race-1s-with-garbage.log");
// A name the bundle recognizes as a gateway log (docs/formats.md §1).
const NAME = "edgemicro-vm-3582fcf8-5bec-42f7-8c0b-81cef83b9471-1-api.log";

let t: TestEnv;
let store: BlobStore;
let incidentId: string;

beforeAll(async () => {
  ({ t, incidentId, store } = await openIngested(async (s) =>
    (await storeFiles(s, [FIXTURE])).map((f) => ({ ...f, name: NAME })),
  ));
});
afterAll(async () => t?.cleanup());

const lines = (q: Record<string, unknown>) => queryLines(t.handle.prisma, store, incidentId, LineQuery.parse(q));

describe("a log with 41 garbage lines", () => {
  it("counts them as malformed and stores a parse issue per line", async () => {
    const db = t.handle.prisma;
    const file = await db.bundleFile.findFirstOrThrow({ where: { incidentId } });
    expect(file).toMatchObject({ kind: "gateway-log", status: "done" });
    // grep -c ' #[0-9]*$' FIXTURE -> 41; grep -c '' FIXTURE -> 522, less 113 stack lines that belong to their events
    expect(file.counts).toMatchObject({ malformed: 41, lines: 409, events: 363 });
    const issues = await db.parseIssue.findMany({ where: { fileId: file.id }, orderBy: { lineNo: "asc" } });
    expect(issues).toHaveLength(41);
    // grep -n ' #[0-9]*$' FIXTURE | head -2 -> 6: and 21:
    expect(issues.slice(0, 2).map((i) => [i.lineNo, i.reason])).toEqual([
      [6, "no timestamp"],
      [21, "no timestamp"],
    ]);
    expect(issues[1].excerpt).toBe("$ tail -f /var/tmp/edgemicro-vm-api.log | grep 502 #2");
  });

  it("finds them by free text and by kind in the explorer", async () => {
    // grep -c 'cut here' FIXTURE -> 5
    const cut = await lines({ q: "cut here" });
    expect(cut.lines).toHaveLength(5);
    expect(cut.lines.every((l) => l.kind === "malformed" && l.text.startsWith("----- cut here ----- #"))).toBe(true);
    // grep -n 'Possible SYN flooding' FIXTURE | cut -d: -f1 -> 6 96 195 310 418 519
    const syn = await lines({ q: "possible syn flooding" });
    expect(syn.lines.map((l) => l.lineNo)).toEqual([6, 96, 195, 310, 418, 519]);
    expect((await lines({ kind: "malformed" })).candidates).toBe(41);
  });

  it("does not turn stack traces into rows", async () => {
    // Frames are part of their event line's trace: free text over rows does not list them as lines of their own.
    const frames = await lines({ q: "at Socket.socketOnEnd (node:" });
    expect(frames.lines).toEqual([]);
  });
});
