/** Property-based fuzzing of content sniffing: any bytes get exactly one kind, magic numbers win, nothing throws. */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { applyMutations, FUZZ_RUNS, mutationsArb } from "@/lib/testing/fuzz";
import { sniff, type FileKind } from "./sniff";
import { FILE_KINDS } from "./file-kinds";

const KINDS = new Set<FileKind>(FILE_KINDS);
const samples = readdirSync(SAMPLE_DIR)
  .filter((f) => f !== "README.md")
  .map((f) => readFileSync(path.join(SAMPLE_DIR, f)));

describe("sniff fuzz", () => {
  it("any bytes: one known kind, the same every time", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const b = Buffer.from(bytes);
        const kind = sniff(b);
        expect(KINDS.has(kind)).toBe(true);
        expect(sniff(Buffer.from(b))).toBe(kind);
        if (b.length === 0) expect(kind).toBe("empty");
      }),
      FUZZ_RUNS,
    );
  });

  it("a magic number decides whatever follows it", () => {
    const magics: Array<[number[], FileKind]> = [
      [[0x50, 0x4b, 3, 4], "zip"],
      [[0xd4, 0xc3, 0xb2, 0xa1], "pcap"],
      [[0xa1, 0xb2, 0xc3, 0xd4], "pcap"],
      [[0x0a, 0x0d, 0x0d, 0x0a], "pcapng"],
      [[0x1f, 0x8b], "gzip"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 1024 }), ([m, kind], rest) => {
        expect(sniff(Buffer.concat([Buffer.from(m), rest]))).toBe(kind);
      }),
      FUZZ_RUNS,
    );
  });

  it("damaged sample files: still one known kind, no throw", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), mutationsArb, (s, ms) => {
        expect(KINDS.has(sniff(applyMutations(s, ms).subarray(0, 64 * 1024)))).toBe(true);
      }),
      FUZZ_RUNS,
    );
  });
});
