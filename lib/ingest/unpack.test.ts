import { SAMPLE_DIR } from "@/lib/testing/samples";
import { makeTar, makeZip } from "@/lib/testing/archives";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";
import { resolveLimits, type IngestLimits } from "./limits";
import { ArchiveError, expandArchive, gunzippedName, safeEntryName, type ArchiveKind } from "./unpack";

const SAMPLES = SAMPLE_DIR;
const SAMPLE_FILES = readdirSync(SAMPLES).sort();
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "unpack-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a zip of the entries into the scratch folder and returns its path. */
function writeZip(name: string, entries: Parameters<typeof makeZip>[0]): string {
  const z = path.join(tmp, name);
  writeFileSync(z, makeZip(entries));
  return z;
}
const has = (cmd: string) => {
  try {
    execFileSync("which", [cmd], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

async function collect(file: string, kind: ArchiveKind, limits: IngestLimits = resolveLimits(), fileName?: string) {
  const got = new Map<string, Buffer>();
  const errors: string[] = [];
  const declared = new Map<string, number | undefined>();
  let result, error: unknown;
  try {
    result = await expandArchive(
      file,
      kind,
      limits,
      async ({ name, stream, declaredSize }) => {
        declared.set(name, declaredSize);
        const chunks: Buffer[] = [];
        try {
          for await (const c of stream) chunks.push(c as Buffer);
        } catch (e) {
          errors.push(`${name}: ${(e as Error).message}`);
          throw e;
        }
        got.set(name, Buffer.concat(chunks));
      },
      fileName,
    );
  } catch (e) {
    error = e;
  }
  return { got, errors, declared, result, error };
}

function expectSamples(got: Map<string, Buffer>, prefix = "") {
  for (const f of SAMPLE_FILES) expect(sha(got.get(prefix + f)!), f).toBe(sha(readFileSync(path.join(SAMPLES, f))));
}

describe("safeEntryName", () => {
  it("normalises and rejects unsafe names", () => {
    expect(safeEntryName("./a//b/./c.log")).toEqual({ name: "a/b/c.log" });
    expect(safeEntryName("a\\b.log")).toEqual({ name: "a/b.log" });
    for (const bad of ["../evil", "a/../../evil", "/etc/passwd", "C:\\evil", "c:evil", "\\\\srv\\x", "a\0b", "./"])
      expect("reason" in safeEntryName(bad), bad).toBe(true);
    expect(gunzippedName("edgemicro-1-api.log.gz")).toBe("edgemicro-1-api.log");
    expect(gunzippedName("x.tgz")).toBe("x.tar");
  });
});

describe("expandArchive: sample bundle", () => {
  it.runIf(has("zip"))("zip built by the zip CLI", async () => {
    const z = path.join(tmp, "bundle.zip");
    execFileSync("zip", ["-q", "-r", z, "acme-prod-502"], { cwd: path.dirname(SAMPLES) });
    const { got, result, error } = await collect(z, "zip");
    expect(error).toBeUndefined();
    expect(result).toEqual({ entries: SAMPLE_FILES.length, skipped: [] });
    expectSamples(got, "acme-prod-502/");
  });

  it.runIf(has("tar"))("tar and tar.gz built by the tar CLI", async () => {
    for (const [file, flags, kind] of [
      ["b.tar", "-cf", "tar"],
      ["b.tar.gz", "-czf", "gzip"],
    ] as const) {
      const t = path.join(tmp, file);
      execFileSync("tar", [flags, t, "-C", SAMPLES, ...SAMPLE_FILES]);
      const { got, result, error, declared } = await collect(t, kind);
      expect(error).toBeUndefined();
      expect(result).toEqual({ entries: SAMPLE_FILES.length, skipped: [] });
      expectSamples(got);
      expect(declared.get(SAMPLE_FILES[0])).toBe(statSync(path.join(SAMPLES, SAMPLE_FILES[0])).size);
    }
  });

  it("single gzip member named after the gz file", async () => {
    const log = SAMPLE_FILES.find((f) => f.endsWith(".log"))!;
    const g = path.join(tmp, "one.gz");
    writeFileSync(g, gzipSync(readFileSync(path.join(SAMPLES, log))));
    const { got, result } = await collect(g, "gzip", resolveLimits(), `${log}.gz`);
    expect(result).toEqual({ entries: 1, skipped: [] });
    expect(sha(got.get(log)!)).toBe(sha(readFileSync(path.join(SAMPLES, log))));
  });
});

describe("expandArchive: hostile archives", () => {
  it("zip: skips traversal, absolute, drive-letter and symlink entries; ignores directories", async () => {
    const z = writeZip("evil.zip", [
      { name: "ok/a.txt", data: Buffer.from("fine") },
      { name: "../evil", data: Buffer.from("x") },
      { name: "/etc/passwd", data: Buffer.from("x") },
      { name: "C:/evil.txt", data: Buffer.from("x") },
      { name: "a/../../evil", data: Buffer.from("x") },
      { name: "link", data: Buffer.from("/etc/passwd"), unixMode: 0o120777 },
      { name: "dir/", data: Buffer.alloc(0), unixMode: 0o040755 },
      { name: "b.txt", data: Buffer.from("deflated ".repeat(100)), deflate: true },
    ]);
    const { got, result, error } = await collect(z, "zip");
    expect(error).toBeUndefined();
    expect([...got.keys()]).toEqual(["ok/a.txt", "b.txt"]);
    expect(got.get("b.txt")!.toString()).toBe("deflated ".repeat(100));
    expect(result!.entries).toBe(2);
    expect(result!.skipped.map((s) => s.name)).toEqual([
      "../evil",
      "/etc/passwd",
      "C:/evil.txt",
      "a/../../evil",
      "link",
    ]);
    expect(result!.skipped[0].reason).toMatch(/\.\./);
    expect(result!.skipped[1].reason).toMatch(/absolute/);
    expect(result!.skipped[2].reason).toMatch(/drive letter/);
    expect(result!.skipped[4].reason).toMatch(/symlink/);
  });

  it("tar: skips traversal, absolute, symlink, hard link and device entries", async () => {
    const t = path.join(tmp, "evil.tar");
    await makeTar(
      t,
      [
        { header: { name: "good.log", type: "file" }, data: Buffer.from("good") },
        { header: { name: "../evil", type: "file" }, data: Buffer.from("x") },
        { header: { name: "/etc/cron.d/x", type: "file" }, data: Buffer.from("x") },
        { header: { name: "sl", type: "symlink", linkname: "/etc/passwd" } },
        { header: { name: "hl", type: "link", linkname: "good.log" } },
        { header: { name: "dev", type: "character-device" } },
        { header: { name: "d", type: "directory" } },
        { header: { name: "d/after.log", type: "file" }, data: Buffer.from("after") },
      ],
      false,
    );
    const { got, result, error } = await collect(t, "tar");
    expect(error).toBeUndefined();
    expect(Object.fromEntries([...got].map(([k, v]) => [k, v.toString()]))).toEqual({
      "good.log": "good",
      "d/after.log": "after",
    });
    expect(result!.skipped.map((s) => s.name)).toEqual(["../evil", "/etc/cron.d/x", "sl", "hl", "dev"]);
    expect(result!.skipped[2].reason).toMatch(/symlink to '\/etc\/passwd'/);
    expect(result!.skipped[3].reason).toMatch(/hard link/);
  });

  it("truncated single gzip → ArchiveError with offset; consumer sees the error", async () => {
    const g = path.join(tmp, "trunc.log.gz");
    const full = gzipSync(randomBytes(200_000));
    writeFileSync(g, full.subarray(0, 100_000));
    const { error, errors } = await collect(g, "gzip", resolveLimits(), "trunc.log.gz");
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as Error).message).toMatch(/gzip: corrupt or truncated.*trunc\.log.*byte offset \d+/);
    expect(errors.length).toBe(1);
  });

  it("truncated tar.gz → earlier entries stay delivered, then ArchiveError naming the entry", async () => {
    const t = path.join(tmp, "trunc.tar.gz");
    await makeTar(
      t,
      ["a", "b", "c", "d"].map((n) => ({
        header: { name: `${n}.bin`, type: "file" as const },
        data: randomBytes(50_000),
      })),
      true,
    );
    const buf = readFileSync(t);
    writeFileSync(t, buf.subarray(0, Math.floor(buf.length * 0.6)));
    const { got, error } = await collect(t, "gzip");
    expect([...got.keys()]).toEqual(["a.bin", "b.bin"]);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).entryName).toBe("c.bin");
    expect((error as Error).message).toMatch(/tar\.gz: corrupt or truncated.*'c\.bin'.*byte offset \d+/);
  });

  it("empty zip (end record only) expands to nothing", async () => {
    const z = writeZip("empty.zip", []);
    expect((await collect(z, "zip")).result).toEqual({ entries: 0, skipped: [] });
  });

  it("corrupt zip → ArchiveError", async () => {
    const z = path.join(tmp, "bad.zip");
    writeFileSync(z, Buffer.concat([Buffer.from("PK\x03\x04"), randomBytes(100)]));
    expect((await collect(z, "zip")).error).toBeInstanceOf(ArchiveError);
  });
});

describe("expandArchive: limits", () => {
  it("gzip bomb: 200 MB of zeros is cut off by the ratio cap without being materialised", async () => {
    const g = path.join(tmp, "bomb.gz");
    const zeros = Buffer.alloc(1 << 20);
    async function* gen() {
      for (let i = 0; i < 200; i++) yield zeros;
    }
    await pipeline(Readable.from(gen()), createGzip({ level: 9 }), createWriteStream(g));
    expect(statSync(g).size).toBeLessThan(1_000_000);
    const { got, result, error, errors } = await collect(g, "gzip", resolveLimits(), "bomb.gz");
    expect(error).toBeUndefined();
    expect(got.size).toBe(0);
    expect(errors.length).toBe(1);
    expect(result!.entries).toBe(0);
    expect(result!.skipped[0]).toMatchObject({ name: "bomb" });
    expect(result!.skipped[0].reason).toMatch(/compression ratio/);
  });

  it("zip: declared ratio and entry size are enforced; tar.gz bomb stops the archive", async () => {
    const z = writeZip("zbomb.zip", [
      { name: "small.txt", data: Buffer.from("hi") },
      { name: "zeros", data: Buffer.alloc(5 << 20), deflate: true },
    ]);
    const r1 = await collect(z, "zip");
    expect([...r1.got.keys()]).toEqual(["small.txt"]);
    expect(r1.result!.skipped[0].reason).toMatch(/compression ratio/);
    const r2 = await collect(z, "zip", resolveLimits({ maxEntryBytes: 1000, maxCompressionRatio: 1e9 }));
    expect(r2.result!.skipped[0].reason).toMatch(/declared size/);

    const t = path.join(tmp, "bomb.tar.gz");
    await makeTar(
      t,
      [
        { header: { name: "ok", type: "file" }, data: Buffer.from("ok") },
        { header: { name: "z", type: "file" }, data: Buffer.alloc(30 << 20) },
        { header: { name: "later", type: "file" }, data: Buffer.from("x") },
      ],
      true,
    );
    const r3 = await collect(t, "gzip");
    expect([...r3.got.keys()]).toEqual(["ok"]);
    expect(r3.result!.stopped?.code).toBe("compression-ratio");
  });

  it("entry size (streamed), total size and entry count limits", async () => {
    const t = path.join(tmp, "many.tar");
    await makeTar(
      t,
      Array.from({ length: 6 }, (_, i) => ({
        header: { name: `f${i}`, type: "file" as const },
        data: Buffer.alloc(1000 * (i + 1), 65),
      })),
      false,
    );
    const a = await collect(t, "tar", resolveLimits({ maxEntries: 3 }));
    expect(a.result).toMatchObject({ entries: 3, stopped: { code: "too-many-entries" } });
    expect(a.result!.skipped).toEqual([{ name: "f3", reason: expect.stringMatching(/more than 3 entries/) }]);
    const b = await collect(t, "tar", resolveLimits({ maxEntryBytes: 3500 }));
    expect(b.result!.entries).toBe(3);
    expect(b.result!.skipped.map((s) => s.name)).toEqual(["f3", "f4", "f5"]);
    const c = await collect(t, "tar", resolveLimits({ maxTotalExpandedBytes: 7000 }));
    expect(c.result).toMatchObject({ entries: 3, stopped: { code: "total-too-large" } });
    expect(c.result!.skipped.map((s) => s.name)).toEqual(["f3"]);
    // zip with a lying declared size is caught while streaming
    const z = writeZip("big.zip", [
      { name: "a", data: Buffer.alloc(5000, 66) },
      { name: "b", data: Buffer.from("b") },
    ]);
    const d = await collect(z, "zip", resolveLimits({ maxTotalExpandedBytes: 4000 }));
    expect(d.result).toMatchObject({ entries: 0, stopped: { code: "total-too-large" } });
  });
});

describe("expandArchive: consumer behaviour", () => {
  it("consumers may ignore the stream, or stop early; later entries still arrive", async () => {
    const t = path.join(tmp, "ignore.tar.gz");
    const entries = ["a", "b", "c"].map((n) => ({
      header: { name: n, type: "file" as const },
      data: randomBytes(300_000),
    }));
    await makeTar(t, entries, true);
    const z = writeZip(
      "ignore.zip",
      entries.map((e) => ({ name: e.header.name, data: e.data, deflate: true })),
    );
    for (const [file, kind] of [
      [t, "gzip"],
      [z, "zip"],
    ] as const) {
      const names: string[] = [];
      const r = await expandArchive(file, kind, resolveLimits(), async ({ name, stream }) => {
        names.push(name);
        if (name === "b") {
          for await (const _ of stream) break;
        }
      });
      expect(names).toEqual(["a", "b", "c"]);
      expect(r.entries).toBe(3);
    }
  });

  it("an error thrown by the consumer propagates", async () => {
    const z = writeZip("throw.zip", [
      { name: "a", data: Buffer.from("a") },
      { name: "b", data: Buffer.from("b") },
    ]);
    await expect(
      expandArchive(z, "zip", resolveLimits(), async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });

  it("corrupt zip entry data → ArchiveError naming the entry, earlier entries delivered", async () => {
    const zbuf = makeZip([
      { name: "good", data: Buffer.from("good") },
      { name: "bad", data: randomBytes(50_000), deflate: false },
    ]);
    zbuf.writeUInt32LE(0xdeadbeef, 30 + 4 + 4 + 14); // clobber the crc of "bad" in its local header
    const cdCrc = zbuf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), zbuf.length - 200);
    const second = zbuf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), cdCrc + 4);
    zbuf.writeUInt32LE(0xdeadbeef, second + 16); // and in the central directory
    const z = path.join(tmp, "crc.zip");
    writeFileSync(z, zbuf);
    const { got, error } = await collect(z, "zip");
    expect([...got.keys()]).toEqual(["good"]);
    expect((error as Error).message).toMatch(/zip: corrupt or truncated entry data \(at entry 'bad'.*CRC-32 mismatch/);
    // garbage in a deflate stream
    const zb2 = makeZip([
      { name: "good", data: Buffer.from("good") },
      { name: "bad", data: randomBytes(50_000), deflate: true },
    ]);
    const start = zb2.indexOf(Buffer.from("bad")) + 3;
    zb2.fill(0xff, start + 10, start + 2000);
    const z2 = path.join(tmp, "corrupt.zip");
    writeFileSync(z2, zb2);
    const r2 = await collect(z2, "zip");
    expect([...r2.got.keys()]).toEqual(["good"]);
    expect(r2.error).toBeInstanceOf(ArchiveError);
    expect((r2.error as Error).message).toMatch(/zip: corrupt or truncated entry data.*'bad'.*byte offset \d+/);
  });
});
