import { SAMPLE_DIR } from "@/lib/testing/samples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { BlobStore } from "./blobs";
import { LimitError } from "./limits";

const LOG = path.join(SAMPLE_DIR, "acme-prod-config.yaml");
let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "blobs-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function* chunksOf(buf: Buffer, n: number): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += n) yield buf.subarray(i, i + n);
}
async function* asyncChunks(buf: Buffer, n: number): AsyncGenerator<Uint8Array> {
  yield* chunksOf(buf, n);
}

describe("BlobStore", () => {
  it("stores by sha256 under ab/cd/ and dedups identical content", async () => {
    const store = new BlobStore(root);
    const data = readFileSync(LOG);
    const sha = createHash("sha256").update(data).digest("hex");
    const a = await store.put(createReadStream(LOG));
    const b = await store.put(asyncChunks(data, 7));
    expect(a).toEqual({ sha256: sha, size: data.length, path: path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha) });
    expect(b).toEqual(a);
    expect(readdirSync(path.dirname(a.path))).toEqual([sha]);
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
    expect(await store.has(sha)).toBe(true);
    expect(store.pathOf(sha)).toBe(a.path);
    expect(await readAll(store.openRead(sha))).toEqual(data);
    expect(await readAll(store.openRead(sha, 10, 19))).toEqual(data.subarray(10, 20));
    expect(await store.delete(sha)).toBe(true);
    expect(await store.has(sha)).toBe(false);
    expect(await store.delete(sha)).toBe(false);
  });

  it("handles empty input", async () => {
    const store = new BlobStore(root);
    const r = await store.put(Readable.from([]));
    expect(r.size).toBe(0);
    expect(r.sha256).toBe(createHash("sha256").digest("hex"));
    expect(existsSync(r.path)).toBe(true);
  });

  it("throws LimitError past maxBytes and removes the temp file", async () => {
    const store = new BlobStore(root);
    const big = Buffer.alloc(100_000, 1);
    const err = await store.put(Readable.from(chunksOf(big, 4096)), { maxBytes: 50_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).code).toBe("upload-too-large");
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
    const sha = createHash("sha256").update(big).digest("hex");
    expect(await store.has(sha)).toBe(false);
    // exactly at the limit is fine
    expect((await store.put(Readable.from([big]), { maxBytes: big.length })).sha256).toBe(sha);
  });

  it("stores megabytes byte for byte while writes queue behind the hash (past the write buffer)", async () => {
    const store = new BlobStore(root);
    // Pseudo-random so a chunk written twice, dropped or out of order changes the hash.
    const data = Buffer.alloc(5 * 1024 * 1024 + 123);
    for (let i = 0, x = 7; i < data.length; i++) data[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const r = await store.put(asyncChunks(data, 64 * 1024 + 1));
    expect(r.sha256).toBe(createHash("sha256").update(data).digest("hex"));
    expect(readFileSync(r.path).equals(data)).toBe(true);
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
  });

  it("an upload cut off mid-way fails and leaves nothing behind", async () => {
    const store = new BlobStore(root);
    const part = Buffer.alloc(3 * 1024 * 1024, 5);
    async function* cut() {
      yield* chunksOf(part, 64 * 1024);
      throw new Error("connection reset");
    }
    await expect(store.put(cut())).rejects.toThrow("connection reset");
    expect(readdirSync(path.join(root, "tmp"))).toEqual([]);
    expect(await store.has(createHash("sha256").update(part).digest("hex"))).toBe(false);
  });

  it("rejects malformed hashes", () => {
    const store = new BlobStore(root);
    expect(() => store.pathOf("../../etc/passwd")).toThrow(TypeError);
  });
});
