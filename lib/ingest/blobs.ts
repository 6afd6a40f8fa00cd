/** Content-addressed blob store on disk: rootDir/ab/cd/<sha256>. Streams; never buffers whole files. */
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { LimitError } from "./limits";

export { LimitError } from "./limits";

export interface PutResult {
  sha256: string;
  size: number;
  path: string;
  /** With `hold`, when the blob already existed: this copy is kept until `settle` (see there). */
  held?: string;
}

const SHA_RE = /^[0-9a-f]{64}$/;

function assertSha(sha256: string): void {
  if (!SHA_RE.test(sha256)) throw new TypeError(`invalid sha256: ${JSON.stringify(sha256)}`);
}

export class BlobStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /**
   * Where uploads are written before they are named by their hash (`.part`), held copies (`<sha256>-….held`) and
   * blobs moved aside to be deleted (`<sha256>-….gone`). A process killed meanwhile leaves them here for
   * `sweepStaleTemporaries` (lib/ingest/sweep-temp.ts).
   */
  get tempDir(): string {
    return path.join(this.rootDir, "tmp");
  }

  private tempPath(prefix: string, ext: string): string {
    return path.join(this.tempDir, `${prefix}${Date.now()}-${randomBytes(8).toString("hex")}${ext}`);
  }

  pathOf(sha256: string): string {
    assertSha(sha256);
    return path.join(this.rootDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /** Deletes a blob; returns false when it did not exist. */
  async delete(sha256: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(sha256));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }

  /** Reads a blob; `start`/`end` are inclusive byte offsets as in fs.createReadStream. */
  openRead(sha256: string, start?: number, end?: number): Readable {
    return createReadStream(this.pathOf(sha256), { start, end });
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }

  async put(
    stream: Readable | AsyncIterable<Uint8Array>,
    opts?: { maxBytes?: number; hold?: boolean; tag?: string },
  ): Promise<PutResult> {
    const maxBytes = opts?.maxBytes ?? Infinity;
    await mkdir(this.tempDir, { recursive: true });
    const tmpPath = this.tempPath(opts?.tag ? `${opts.tag}-` : "", ".part");
    const hash = createHash("sha256");
    // Written behind the hash, waiting only once a megabyte is pending (a write that fails rejects the wait): waiting
    // for every chunk's write put the disk's latency into each chunk of an upload (#18, docs/benchmark.md).
    const ws = createWriteStream(tmpPath, { flags: "wx", highWaterMark: 1 << 20 });
    let wsError: Error | undefined;
    ws.on("error", (e) => {
      wsError = e;
    });
    let size = 0;
    try {
      for await (const raw of stream as AsyncIterable<Uint8Array | string>) {
        const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
        size += chunk.byteLength;
        if (size > maxBytes) {
          throw new LimitError("upload-too-large", `blob exceeds ${maxBytes} bytes`, maxBytes);
        }
        hash.update(chunk);
        if (!ws.write(chunk)) await once(ws, "drain");
        if (wsError) throw wsError;
      }
      await new Promise<void>((resolve, reject) => {
        ws.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (wsError) throw wsError;
    } catch (e) {
      if (typeof (stream as Readable).destroy === "function") (stream as Readable).destroy();
      ws.destroy();
      await finished(ws).catch(() => undefined);
      await rm(tmpPath, { force: true });
      throw e;
    }
    const sha256 = hash.digest("hex");
    const finalPath = this.pathOf(sha256);
    if (await this.has(sha256)) {
      if (opts?.hold) {
        // Named by its content, so a sweep after a crash can put it in place of a blob a row still needs (lib/ingest/sweep-temp.ts).
        const held = this.tempPath(`${sha256}-`, ".held");
        await rename(tmpPath, held);
        return { sha256, size, path: finalPath, held };
      }
      await rm(tmpPath, { force: true });
    } else {
      await mkdir(path.dirname(finalPath), { recursive: true });
      await rename(tmpPath, finalPath);
    }
    return { sha256, size, path: finalPath };
  }

  /** Removes what puts tagged `tag` left half written: their writer was stopped (a parse thread terminated). */
  async dropPartsOf(tag: string): Promise<void> {
    for (const name of await readdir(this.tempDir).catch(() => [] as string[]))
      if (name.startsWith(`${tag}-`) && name.endsWith(".part"))
        await rm(path.join(this.tempDir, name), { force: true });
  }

  /**
   * Call once a row points at a blob stored with `hold`. An existing blob may be removed by a clean-up that saw
   * no row yet (a redacted file's original, a deleted incident's file) while this upload was still on its way
   * to the database: the held copy then takes its place; otherwise it is dropped.
   */
  async settle(p: { sha256: string; held?: string }): Promise<void> {
    if (!p.held) return;
    if (await this.has(p.sha256)) {
      await rm(p.held, { force: true });
      return;
    }
    await mkdir(path.dirname(this.pathOf(p.sha256)), { recursive: true });
    await rename(p.held, this.pathOf(p.sha256));
  }

  /**
   * Deletes a blob no row points at. Moved aside first and checked again, so a row written meanwhile (an upload
   * of the same bytes, which also settles its held copy) keeps it. Returns whether it was deleted.
   */
  async deleteUnused(sha256: string, inUse: () => Promise<boolean>): Promise<boolean> {
    if (await inUse()) return false;
    const aside = this.tempPath(`${sha256}-`, ".gone");
    await mkdir(this.tempDir, { recursive: true });
    try {
      await rename(this.pathOf(sha256), aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
    if (await inUse()) {
      await rename(aside, this.pathOf(sha256));
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }
}
