/**
 * Reads log lines from a stored blob by byte offset, through a 64 KiB window: neighbouring lines (a page,
 * a free-text scan) come from one read, while lines far apart (a sparse filter) cost one small read each.
 */
import { open, type FileHandle } from "node:fs/promises";

const WINDOW = 64 * 1024;
/** Longest part of a line shown or searched (a line may be up to 1 MiB). */
export const MAX_SHOWN_BYTES = 16 * 1024;

export class BlobReader {
  private fh: FileHandle | null = null;
  private win = Buffer.alloc(0);
  private winStart = -1;

  constructor(private readonly file: string) {}

  /** Bytes [offset, offset + min(length, MAX_SHOWN_BYTES)). */
  async read(offset: number, length: number): Promise<Buffer> {
    const want = Math.min(length, MAX_SHOWN_BYTES);
    if (this.winStart < 0 || offset < this.winStart || offset + want > this.winStart + this.win.length) {
      this.fh ??= await open(this.file, "r");
      const size = Math.max(WINDOW, want);
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.fh.read(buf, 0, size, offset);
      this.win = buf.subarray(0, bytesRead);
      this.winStart = offset;
    }
    return this.win.subarray(offset - this.winStart, offset - this.winStart + want);
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}

/** The line without its terminator, as text. */
export function lineText(b: Buffer): string {
  let e = b.length;
  if (e > 0 && b[e - 1] === 10) e--;
  if (e > 0 && b[e - 1] === 13) e--;
  return b.toString("utf8", 0, e);
}
