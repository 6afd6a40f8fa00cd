/**
 * Upload limits: a body over the limit is refused at once however it is sent (a chunked body has no
 * Content-Length to check up front), and more files than MAX_FILES is an error, not a silent cut.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { blobStore } from "./bundle";
import { MAX_FILES, receiveUpload, UploadError } from "./upload";

const dir = mkdtempSync(path.join(os.tmpdir(), "emg-upload-"));
const store = blobStore(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOUNDARY = "----emgtestboundary";
const partHead = (name: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const multipart = (body: ReadableStream<Uint8Array> | string) =>
  new Request("http://127.0.0.1/api/incidents", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    duplex: "half",
  } as RequestInit);

/** A chunked body that never ends: one file part, then 64 KiB chunks for as long as anyone reads. */
function endless() {
  const state = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(64 * 1024).fill(120);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(partHead("huge.log")));
    },
    pull(c) {
      state.pulled++;
      c.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const tempFiles = () => readdirSync(store.tempDir, { withFileTypes: true }).filter((d) => d.isFile()).length;

describe("receiveUpload", () => {
  it("answers 413 for a chunked body over the limit and stops reading it", async () => {
    const { stream, state } = endless();
    const err = await Promise.race([
      receiveUpload(multipart(stream), store, 1024 * 1024).catch((e) => e),
      new Promise((r) => setTimeout(() => r("no answer after 10 s"), 10_000)),
    ]);
    expect(err).toBeInstanceOf(UploadError);
    expect(err).toMatchObject({ status: 413, code: "too_large" });
    const pulledAtRefusal = state.pulled;
    await new Promise((r) => setTimeout(r, 300));
    expect(state.pulled - pulledAtRefusal).toBeLessThanOrEqual(2); // no longer drained
    expect(state.cancelled).toBe(true);
    expect(tempFiles()).toBe(0); // the partial file is gone
  });

  it(`refuses more than ${MAX_FILES} files with 413 instead of dropping the rest`, async () => {
    const body =
      Array.from({ length: MAX_FILES + 1 }, (_, i) => `${partHead(`f${i}.log`)}line ${i}\r\n`).join("") +
      `--${BOUNDARY}--\r\n`;
    const err = await receiveUpload(multipart(body), store, 1024 * 1024).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err).toMatchObject({
      status: 413,
      code: "too_many_files",
      message: expect.stringMatching(/more than 1000 files/),
    });
  });

  it("still takes an upload within the limits", async () => {
    const body = `${partHead("a.log")}alpha\r\n${partHead("b.log")}beta\r\n--${BOUNDARY}--\r\n`;
    const files = await receiveUpload(multipart(body), store, 1024 * 1024);
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ["a.log", 5],
      ["b.log", 4],
    ]);
    await Promise.all(files.map((f) => store.settle(f)));
  });
});
