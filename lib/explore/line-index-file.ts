/** Line index files on disk (DATA_DIR/index/<fileId>.lines): written during the log parse, loaded into an LRU. */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "@/lib/ingest/blobs";
import { bytesPerRow, LineIndexWriter, readLineIndex, type LineIndex } from "@/lib/parsers/log/line-index";
import type { LogItem } from "@/lib/parsers/log/types";

export const lineIndexDir = (dataDir: string) => path.join(dataDir, "index");
/** Where a log file's line index lives; incident deletion removes these with the blobs. */
export const lineIndexPath = (dataDir: string, fileId: string) => path.join(lineIndexDir(dataDir), `${fileId}.lines`);
/** The blob store lives in DATA_DIR/blobs (lib/ingest/bundle.ts `blobStore`). */
export const dataDirOf = (store: BlobStore) => path.dirname(store.rootDir);

export async function deleteLineIndex(dataDir: string, fileId: string): Promise<void> {
  await rm(lineIndexPath(dataDir, fileId), { force: true });
  evict(lineIndexPath(dataDir, fileId));
}

export interface LineIndexSink {
  add(it: LogItem): void;
  /**
   * Completes the file (atomic rename); a parse that throws before this leaves only a `.tmp`.
   * `blob` is the stored (redacted) blob the offsets point into, known only once it is written.
   */
  finish(blob: { sha256: string; size: number }): Promise<void>;
}

/** Streams the index of a log file to disk while it is parsed, one block (~3.5 MB) at a time. */
export async function openLineIndexSink(store: BlobStore, fileId: string): Promise<LineIndexSink> {
  const dest = lineIndexPath(dataDirOf(store), fileId);
  const tmp = `${dest}.tmp`;
  mkdirSync(path.dirname(dest), { recursive: true });
  const writer = new LineIndexWriter({ sha256: "", size: 0 });
  // Each block is appended with its own open/close (a few per million lines), so a parse that throws
  // leaves no open descriptor behind, only a `.tmp` the next run overwrites.
  let started = false;
  const write = (b: Uint8Array) => {
    if (started) appendFileSync(tmp, b);
    else writeFileSync(tmp, b);
    started = true;
  };
  return {
    add(it) {
      const out = writer.add(it);
      if (out) write(out);
    },
    async finish(blob) {
      write(writer.finish(blob));
      renameSync(tmp, dest);
      evict(dest);
    },
  };
}

// --- loading, with an LRU bounded by the memory the typed arrays take ---

const MAX_CACHE_BYTES = 512 * 1024 * 1024;
interface Entry { key: string; index: LineIndex; bytes: number }
const cache = new Map<string, Entry>();
let cachedBytes = 0;

function evict(file: string): void {
  const e = cache.get(file);
  if (!e) return;
  cache.delete(file);
  cachedBytes -= e.bytes;
}

/** Loads an index (cached while the file's size and mtime stay the same); null when the file has none. */
export async function loadLineIndex(file: string): Promise<LineIndex | null> {
  let st;
  try {
    st = await stat(file);
  } catch {
    evict(file); // deleted with its incident
    return null;
  }
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit && hit.key === key) {
    cache.delete(file);
    cache.set(file, hit); // most recently used last
    return hit.index;
  }
  evict(file);
  const index = readLineIndex(await readFile(file));
  const bytes = index.meta.rows * bytesPerRow + index.dicts.corr.length * 64;
  cache.set(file, { key, index, bytes });
  cachedBytes += bytes;
  for (const [k, e] of cache) {
    if (cachedBytes <= MAX_CACHE_BYTES || k === file) break;
    cache.delete(k);
    cachedBytes -= e.bytes;
  }
  return index;
}
