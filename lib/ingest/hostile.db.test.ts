/**
 * Hostile input through the real ingest path (blob store → createIncident → worker → database): archive bombs,
 * path traversal and links, archives nested 20 deep, a 1 GB line, binary noise in every format, a YAML alias
 * bomb, captures with absurd lengths. Each gets a clear per-file error within bounded time and memory, and the
 * real sample files of the same bundle still parse.
 */
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { makeTar, makeZip } from "@/lib/testing/archives";
import { parseQueued } from "@/lib/testing/worker";
import { blobStore, createIncident, type StoredUpload } from "./bundle";
import { pcapHeader } from "@/lib/parsers/pcap/synth";
import { DEFAULT_LIMITS } from "./limits";

const SAMPLE_LOG = path.join(SAMPLE_DIR, "edgemicro-gw01-7a1f352d-0193-470c-9c2b-a8b70c7bfa67-1-api.log");
const SAMPLE_FIRST_LINE = readFileSync(SAMPLE_LOG, "utf8").split("\n")[0] + "\n"; // 199 bytes: awk 'NR==1{print length($0)+1}'
const GIB = 1024 ** 3;

let t: TestEnv;
let dir: string;
beforeAll(async () => {
  t = await openTestDb();
  dir = t.scratch;
});
afterAll(async () => t?.cleanup());

/** A deterministic byte noise (xorshift), so a failure can be reproduced. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** One valid log line, then a 1 GiB line without a newline, streamed to disk (never held in memory). */
async function writeHugeLine(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(SAMPLE_FIRST_LINE);
  out.write("2026-11-23T19:33:55.816Z [info][");
  const block = Buffer.alloc(8 * 1024 * 1024, "x");
  for (let n = 0; n < GIB; n += block.length) if (!out.write(block)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

/** "Billion laughs": each alias level multiplies the previous by ten. */
function aliasBomb(): string {
  const lines = ["edgemicro:", "  port: 8000", "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i <= 9; i++)
    lines.push(`lol${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(", ")}]`);
  return lines.join("\n") + "\n";
}

/** A classic pcap file header: Ethernet, snaplen 65535. */
const ethernetPcapHeader = () => Buffer.from(pcapHeader(1, 65535));

function pcapngHead(): Buffer {
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeInt32LE(-1, 16);
  shb.writeInt32LE(-1, 20);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(0, 12);
  idb.writeUInt32LE(20, 16);
  return Buffer.concat([shb, idb]);
}

async function buildBundle(): Promise<Array<{ name: string; path: string }>> {
  const files: Record<string, Buffer | string> = {};
  // Archive bombs: a zip entry of 64 MiB of zeros (ratio ~1000) and a gzip of 256 MiB of zeros.
  files["zip-bomb.zip"] = makeZip([{ name: "zeros.log", data: Buffer.alloc(64 * 1024 * 1024), deflate: true }]);
  files["gzip-bomb.log.gz"] = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
  // Archives nested 20 deep around the sample log.
  let nested = makeZip([{ name: "gateway.log", data: readFileSync(SAMPLE_LOG) }]);
  for (let i = 19; i >= 1; i--) nested = makeZip([{ name: `level${i}.zip`, data: nested }]);
  files["nested-20.zip"] = nested;
  files["alias-bomb.yaml"] = aliasBomb();
  // Captures with absurd lengths: a pcap record of 0xFFFFFFFF bytes, a pcapng block of 0xFFFFFFF0 bytes.
  const caplen = Buffer.concat([ethernetPcapHeader(), Buffer.alloc(16 + 64)]);
  caplen.writeUInt32LE(0xffffffff, 24 + 8);
  caplen.writeUInt32LE(0xffffffff, 24 + 12);
  files["caplen.pcap"] = caplen;
  const head = pcapngHead();
  const block = Buffer.concat([head, Buffer.alloc(64)]);
  block.writeUInt32LE(6, head.length);
  block.writeUInt32LE(0xfffffff0, head.length + 4);
  files["block-length.pcapng"] = block;
  // Binary noise behind every format's magic.
  const n = (seed: number) => noise(64 * 1024, seed);
  files["noise.zip"] = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), n(1)]);
  files["noise.gz"] = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), n(2)]);
  const tarNoise = n(3);
  tarNoise.write("ustar\0", 257, "latin1");
  files["noise.tar"] = tarNoise;
  files["noise.pcap"] = Buffer.concat([ethernetPcapHeader(), n(4)]);
  files["noise.pcapng"] = Buffer.concat([pcapngHead(), n(5)]);
  // Log-shaped noise: every line starts with a time stamp and a bracket, then garbage (no newline inside).
  files["noise.log"] = Buffer.concat(
    Array.from({ length: 200 }, (_, i) =>
      Buffer.concat([
        Buffer.from("2026-11-23T19:33:55.775Z ["),
        noise(100, 100 + i).map((b) => (b === 10 || b === 0 ? 32 : b)),
        Buffer.from("\n"),
      ]),
    ),
  );
  files["noise.bin"] = n(6);
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);

  // Path traversal, absolute paths, symlinks and hard links in a tar, beside one good log.
  const log = readFileSync(SAMPLE_LOG);
  await makeTar(path.join(dir, "evil.tar"), [
    { header: { name: "../../escape.log", size: log.length }, data: log },
    { header: { name: "/etc/cron.d/evil", size: 4 }, data: Buffer.from("evil") },
    { header: { name: "link-to-passwd", type: "symlink", linkname: "/etc/passwd" } },
    { header: { name: "hard-link", type: "link", linkname: "../../etc/shadow" } },
    // A byte more than the loose copy (an empty last line), so it is no duplicate of it and parses too.
    { header: { name: "logs/good.log", size: log.length + 1 }, data: Buffer.concat([log, Buffer.from("\n")]) },
  ]);
  await writeHugeLine(path.join(dir, "huge-line.log"));
  return [...Object.keys(files), "evil.tar", "huge-line.log"]
    .map((name) => ({ name, path: path.join(dir, name) }))
    .concat([
      { name: "gateway.log", path: SAMPLE_LOG },
      { name: "acme-prod-config.yaml", path: path.join(SAMPLE_DIR, "acme-prod-config.yaml") },
      { name: "gw01-to-target.pcap", path: path.join(SAMPLE_DIR, "gw01-to-target.pcap") },
    ]);
}

describe("hostile input", () => {
  it("every hostile file gets a clear per-file error with bounded memory; the good files of the bundle still parse", async () => {
    const db = t.handle.prisma;
    const store = blobStore(t.dataDir);
    const inputs = await buildBundle();
    const stored: StoredUpload[] = [];
    for (const f of inputs) {
      const put = await store.put(createReadStream(f.path, { highWaterMark: 1 << 20 }));
      stored.push({ name: f.name, sha256: put.sha256, size: put.size });
    }
    const incident = await createIncident(db, store, stored);

    // Heap growth while the worker parses everything (a 1 GiB line must never be held).
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
    const t0 = Date.now();
    await parseQueued(db, t.dataDir);
    clearInterval(sampler);
    const growthMiB = (peak - base) / 1024 / 1024;
    console.log(`hostile bundle parsed in ${Date.now() - t0} ms, peak heap growth ${growthMiB.toFixed(1)} MiB`);
    expect(growthMiB).toBeLessThan(256);

    const files = await db.bundleFile.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: "asc" } });
    const byName = (n: string) => {
      const f = files.find((x) => x.name === n);
      if (!f) throw new Error(`no file ${n} in ${files.map((x) => x.name).join(", ")}`);
      return f;
    };
    const report = files.map((f) => `${f.name}: ${f.status} ${f.error ?? ""}`).join("\n");
    // Nothing is left queued or parsing.
    expect(
      files.filter((f) => f.status === "queued" || f.status === "parsing"),
      report,
    ).toEqual([]);

    // Bombs: caught by the declared ratio (zip) and while streaming (gzip), before being materialised.
    expect(byName("zip-bomb.zip")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/'zeros\.log' \(declared compression ratio \d+ exceeds 200\)/),
    });
    expect(byName("gzip-bomb.log.gz")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/compression ratio \d+ exceeds 200/),
    });
    expect(files.some((f) => f.name.startsWith("zip-bomb.zip/") || f.name.startsWith("gzip-bomb.log.gz/"))).toBe(false);

    // Nesting: expanded to the depth limit, the next archive fails with the reason, nothing deeper exists.
    const nested = files.filter((f) => f.name.startsWith("nested-20.zip/"));
    expect(nested).toHaveLength(DEFAULT_LIMITS.maxDepth);
    expect(nested.at(-1)).toMatchObject({
      status: "failed",
      error: `Archive nested more than ${DEFAULT_LIMITS.maxDepth} levels deep; not expanded.`,
    });

    // Traversal and links are refused by name; the good entry is unpacked and parsed.
    const evil = byName("evil.tar");
    expect(evil.status).toBe("done");
    expect(evil.error).toMatch(
      /^4 entries not unpacked: '\.\.\/\.\.\/escape\.log' \(path contains a '\.\.' segment\); '\/etc\/cron\.d\/evil' \(absolute path\); 'link-to-passwd' \(symlink to '\/etc\/passwd' not allowed\); and 1 more\.$/,
    );
    expect((evil.counts as { skipped: Array<{ name: string; reason: string }> }).skipped[3]).toEqual({
      name: "hard-link",
      reason: "hard link to '../../etc/shadow' not allowed",
    });
    expect(files.filter((f) => f.parentId === evil.id).map((f) => [f.name, f.status])).toEqual([
      ["evil.tar/logs/good.log", "done"],
    ]);

    // The 1 GiB line: reported as too long at its own line and byte offset; the line before it parsed.
    const huge = byName("huge-line.log");
    expect(huge.status).toBe("done");
    expect(huge.counts).toMatchObject({ lines: 2, records: 1, malformed: 1 });
    const issues = await db.parseIssue.findMany({ where: { fileId: huge.id } });
    expect(issues.map((i) => [i.lineNo, Number(i.byteOffset), i.reason])).toEqual([
      [2, Buffer.byteLength(SAMPLE_FIRST_LINE), "line too long"],
    ]);

    expect(byName("alias-bomb.yaml")).toMatchObject({
      status: "failed",
      error: "line 4: YAML aliases expand too much (limit 50); refusing a possible alias bomb",
    });
    expect(byName("caplen.pcap")).toMatchObject({
      status: "failed",
      error: "Capture unreadable at byte 24: Record length 4294967295 exceeds 262144; rest of capture skipped.",
    });
    expect(byName("block-length.pcapng")).toMatchObject({
      status: "failed",
      error: "Capture unreadable at byte 48: Block length 4294967280 is invalid; rest of capture skipped.",
    });

    // Noise: a failure names where (byte offset or line); a capture read in part says where it stopped.
    for (const n of ["noise.gz", "noise.tar", "noise.pcapng"])
      expect(byName(n), report).toMatchObject({ status: "failed", error: expect.stringMatching(/byte (offset )?\d+/) });
    expect(byName("noise.zip")).toMatchObject({ status: "failed", error: expect.stringMatching(/^zip: /) });
    expect(byName("noise.pcap").error, report).toMatch(/byte \d+/);
    expect(byName("noise.log")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^No line of this file could be read; first problem at line 1 \(byte 0\): /),
    });
    expect(byName("noise.log").counts).toMatchObject({ lines: 200, malformed: 200 });
    expect(byName("noise.bin")).toMatchObject({ status: "skipped", error: expect.stringMatching(/not recognized/i) });

    // Nothing else is lost: the sample's log, config and capture, and the log out of the tar, all parsed.
    for (const n of ["gateway.log", "acme-prod-config.yaml", "gw01-to-target.pcap"])
      expect([n, byName(n).status, byName(n).error]).toEqual([n, "done", null]);
    const fiveOhTwo = await db.logTransaction.count({ where: { incidentId: incident.id, status: 502 } });
    expect(fiveOhTwo).toBe(6); // grep -c '\]\[502\]\[' sample log → 3, twice (loose and inside evil.tar)
    expect(await db.tcpConnection.count({ where: { fileId: byName("gw01-to-target.pcap").id } })).toBeGreaterThan(0);
  }, 600_000);
});
