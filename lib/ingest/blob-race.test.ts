/**
 * An upload of bytes that already exist racing a clean-up of those bytes (the original of a file just redacted,
 * with no row left pointing at it). Caught by e2e/concurrency.spec.ts (10 identical bundles at once): a config's
 * blob vanished between its upload and the upload's rows. Each interleaving of the two protocols, step by step.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobStore, type PutResult } from "./blobs";

const BYTES = Buffer.from("edgemicro:\n  port: 8000\nsecret: s3cr3t\n");
let dir: string;
let store: BlobStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "emg-blob-race-"));
  store = new BlobStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const put = (hold = true) => store.put(Readable.from([BYTES]), { hold });
const intact = (p: PutResult) =>
  existsSync(store.pathOf(p.sha256)) && readFileSync(store.pathOf(p.sha256)).equals(BYTES);
const leftovers = () => (existsSync(path.join(dir, "tmp")) ? readdirSync(path.join(dir, "tmp")) : []);

describe("blob clean-up racing an upload of the same bytes", () => {
  it("a first upload keeps nothing aside", async () => {
    const a = await put();
    expect(a.held).toBeUndefined();
    expect(intact(a)).toBe(true);
  });

  it("clean-up before the upload's row: the held copy puts the blob back", async () => {
    await put(false); // the first incident's original
    const b = await put(); // the same bytes again: held
    expect(b.held).toBeDefined();
    expect(await store.deleteUnused(b.sha256, async () => false)).toBe(true); // no row yet
    expect(existsSync(store.pathOf(b.sha256))).toBe(false);
    await store.settle(b); // the upload's rows are written, then it settles
    expect(intact(b)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("row and settle between the clean-up's check and its move: the clean-up puts it back", async () => {
    await put(false);
    const b = await put();
    let row = false;
    let calls = 0;
    const deleted = await store.deleteUnused(b.sha256, async () => {
      if (++calls === 1) {
        row = true; // the upload writes its row and settles (the blob still exists: its held copy is dropped)...
        await store.settle(b);
        return false; // ...but the clean-up's first look came before that
      }
      return row;
    });
    expect(deleted).toBe(false);
    expect(intact(b)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("row after the clean-up's second look: the upload's settle restores it", async () => {
    await put(false);
    const b = await put();
    expect(await store.deleteUnused(b.sha256, async () => false)).toBe(true);
    await store.settle(b);
    expect(intact(b)).toBe(true);
  });

  it("a row already there: nothing is moved", async () => {
    const a = await put(false);
    expect(await store.deleteUnused(a.sha256, async () => true)).toBe(false);
    expect(intact(a)).toBe(true);
  });
});
