/** Property-based fuzzing of the log parser: arbitrary bytes, damaged copies of the real sample, any chunking. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { applyMutations, chunkingArb, FUZZ_RUNS, mutationsArb, splitBy } from "@/lib/testing/fuzz";
import { LogLineParser, StatsAccumulator, TransactionStitcher, type LogItem } from ".";

const sample = readFileSync(
  path.join(
    SAMPLE_DIR,
    readdirSync(SAMPLE_DIR).find((f) => f.endsWith(".log"))!,
  ),
);
const sampleLines = sample.toString("utf8").split("\n").filter(Boolean);
const REASONS = new Set([
  "no timestamp",
  "bad date",
  "wrong bracket count",
  "bad stats line",
  "bad record line",
  "bad console line",
  "line too long",
  "binary",
  "invalid utf-8",
]);

function parseChunks(chunks: Uint8Array[], maxLineBytes?: number): LogItem[] {
  const p = new LogLineParser({ maxLineBytes });
  const out: LogItem[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

/** What must hold for any input: positions inside the input, in order, malformed lines say where and why. */
function checkInvariants(input: Uint8Array, items: LogItem[]): void {
  let lastLine = 0;
  let lastOffset = -1;
  const newlines = input.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  for (const it of items) {
    expect(Number.isInteger(it.lineNo) && it.lineNo > lastLine).toBe(true);
    expect(it.lineNo).toBeLessThanOrEqual(newlines + 1);
    expect(it.offset).toBeGreaterThan(lastOffset);
    expect(it.length).toBeGreaterThan(0);
    expect(it.offset + it.length).toBeLessThanOrEqual(input.length);
    lastLine = it.lineNo;
    lastOffset = it.offset;
    if (it.kind === "malformed") {
      expect(REASONS.has(it.reason)).toBe(true);
      expect(typeof it.excerpt).toBe("string");
      expect(it.excerpt.length).toBeLessThanOrEqual(200);
    } else {
      expect(Number.isFinite(it.ts)).toBe(true);
    }
  }
  // Downstream stages accept whatever the parser yields.
  const stitcher = new TransactionStitcher();
  const stats = new StatsAccumulator();
  const txs = [];
  for (const it of items) {
    if (it.kind === "event") txs.push(...(stitcher.add(it) ?? []));
    else if (it.kind === "stats") stats.add(it);
  }
  txs.push(...stitcher.flush());
  for (const t of txs) {
    expect(t.firstOffset).toBeGreaterThanOrEqual(0);
    expect(t.firstOffset).toBeLessThan(input.length);
    expect(t.lineCount).toBeGreaterThan(0);
  }
  expect(Object.values(stats.totals()).every(Number.isFinite)).toBe(true);
}

/** Lines that look like the gateway's, with damaged fields, so the deep paths of the line parser get exercised. */
const lineArb = fc.oneof(
  fc.constantFrom(...sampleLines),
  fc
    .tuple(fc.constantFrom(...sampleLines), fc.nat(), fc.string({ maxLength: 8 }))
    .map(([l, i, s]) => l.slice(0, i % (l.length + 1)) + s + l.slice(i % (l.length + 1))),
  fc
    .tuple(fc.constantFrom(...sampleLines), fc.nat(), fc.nat())
    .map(([l, a, b]) => l.slice(0, a % (l.length + 1)) + l.slice(b % (l.length + 1))),
  fc.string({ maxLength: 80 }).map((s) => `2026-11-23T19:33:55.775Z ${s}`),
  fc.string({ maxLength: 80 }).map((s) => `2026-11-23T19:33:55.775Z stats 7600 ${s}`),
  fc.string({ maxLength: 80 }),
);
const textArb = fc
  .tuple(fc.array(lineArb, { maxLength: 40 }), fc.constantFrom("\n", "\r\n"))
  .map(([ls, nl]) => Buffer.from(ls.join(nl)));

describe("log parser fuzz", () => {
  it("arbitrary bytes, any chunking: no throw, positions in range and in order, same result however chunked", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4096 }),
        chunkingArb,
        fc.constantFrom(undefined, 16, 300),
        (input, sizes, maxLineBytes) => {
          const whole = parseChunks([input], maxLineBytes);
          checkInvariants(input, whole);
          expect(parseChunks(splitBy(input, sizes), maxLineBytes)).toEqual(whole);
        },
      ),
      FUZZ_RUNS,
    );
  });

  it("gateway-like lines with damaged fields", () => {
    fc.assert(
      fc.property(textArb, chunkingArb, (input, sizes) => {
        const whole = parseChunks([input]);
        checkInvariants(input, whole);
        expect(parseChunks(splitBy(input, sizes))).toEqual(whole);
      }),
      FUZZ_RUNS,
    );
  });

  it("damaged copies of the real sample log", () => {
    fc.assert(
      fc.property(mutationsArb, chunkingArb, (ms, sizes) => {
        const input = applyMutations(sample, ms);
        const items = parseChunks(splitBy(input, sizes));
        checkInvariants(input, items);
      }),
      FUZZ_RUNS,
    );
  });
});
