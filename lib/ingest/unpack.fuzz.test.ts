/** Property-based fuzzing of archive expansion: damaged zips, tars, tar.gz and gzip files, noise behind each magic. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { makeZip, tarBuffer } from "@/lib/testing/archives";
import { applyMutations, FUZZ_RUNS, mutationsArb } from "@/lib/testing/fuzz";
import { resolveLimits } from "./limits";
import { ArchiveError, expandArchive, type ArchiveKind } from "./unpack";

const samples = readdirSync(SAMPLE_DIR)
  .filter((f) => f !== "README.md")
  .map((f) => ({ name: f, data: readFileSync(path.join(SAMPLE_DIR, f)) }));
let tmp: string;
let n = 0;
let originals: Array<{ kind: ArchiveKind; bytes: Buffer }>;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "emg-unpack-fuzz-"));
  const tar = await tarBuffer([
    { header: { name: "dir", type: "directory" } },
    ...samples.map((s) => ({ header: { name: `dir/${s.name}`, size: s.data.length }, data: s.data })),
  ]);
  originals = [
    { kind: "zip", bytes: makeZip(samples.map((s) => ({ ...s, deflate: true }))) },
    { kind: "zip", bytes: makeZip(samples) },
    { kind: "tar", bytes: tar },
    { kind: "gzip", bytes: gzipSync(tar) },
    { kind: "gzip", bytes: gzipSync(samples[0].data) },
  ];
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Small caps so that limit paths are exercised too.
const limitsArb = fc.constantFrom(
  resolveLimits(),
  resolveLimits({
    maxEntryBytes: 20_000,
    maxTotalExpandedBytes: 40_000,
    ratioMinBytes: 1000,
    maxCompressionRatio: 3,
    maxEntries: 2,
  }),
);

/** Expands, reading every entry fully; returns what came out or the error. */
async function expand(bytes: Buffer, kind: ArchiveKind, limits = resolveLimits()) {
  const file = path.join(tmp, `a${n++}`);
  writeFileSync(file, bytes);
  const got: Array<{ name: string; size: number }> = [];
  try {
    const result = await expandArchive(
      file,
      kind,
      limits,
      async ({ name, stream }) => {
        let size = 0;
        for await (const c of stream) size += (c as Buffer).length;
        got.push({ name, size });
      },
      "bundle.gz",
    );
    return { result, got, error: null };
  } catch (error) {
    return { result: null, got, error };
  } finally {
    rmSync(file, { force: true });
  }
}

function checkOutcome(o: Awaited<ReturnType<typeof expand>>, limits: ReturnType<typeof resolveLimits>): void {
  if (o.error) {
    // The one error type: what was wrong with the archive, where (entry, byte offset).
    expect(o.error, String(o.error)).toBeInstanceOf(ArchiveError);
    const e = o.error as ArchiveError;
    expect(e.message).toMatch(/^(zip|tar|tar\.gz|gzip): /);
    expect(e.offset === undefined || (Number.isInteger(e.offset) && e.offset >= 0)).toBe(true);
    return;
  }
  const r = o.result!;
  expect(r.entries).toBe(o.got.length);
  expect(r.entries).toBeLessThanOrEqual(limits.maxEntries);
  for (const g of o.got) {
    expect(g.name).not.toMatch(/(^|\/)\.\.(\/|$)|^\//);
    expect(g.size).toBeLessThanOrEqual(limits.maxEntryBytes);
  }
  for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(0);
}

describe("archive expansion fuzz", () => {
  it("a missing file rejects with an ArchiveError for every kind (no uncaught read error, no hang)", async () => {
    for (const kind of ["zip", "tar", "gzip"] as const) {
      await expect(
        expandArchive(path.join(tmp, "gone"), kind, resolveLimits(), async ({ stream }) => {
          for await (const _ of stream);
        }),
      ).rejects.toBeInstanceOf(ArchiveError);
    }
  });

  it("damaged real archives: expands what it can, or fails with an ArchiveError saying where; never hangs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutationsArb, limitsArb, async (i, ms, limits) => {
        const { kind, bytes } = originals[i % originals.length];
        checkOutcome(await expand(applyMutations(bytes, ms), kind, limits), limits);
      }),
      { ...FUZZ_RUNS, timeout: 10_000 },
    );
  });

  it("noise behind each archive magic", async () => {
    const magic: Record<ArchiveKind, Buffer> = {
      zip: Buffer.from([0x50, 0x4b, 3, 4]),
      gzip: Buffer.from([0x1f, 0x8b, 8, 0]),
      tar: Buffer.alloc(0),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ArchiveKind>("zip", "gzip", "tar"),
        fc.uint8Array({ maxLength: 4096 }),
        async (kind, body) => {
          const bytes = Buffer.concat([magic[kind], body]);
          if (kind === "tar" && bytes.length >= 262) bytes.write("ustar\0", 257, "latin1");
          checkOutcome(await expand(bytes, kind), resolveLimits());
        },
      ),
      { ...FUZZ_RUNS, timeout: 10_000 },
    );
  });
});
