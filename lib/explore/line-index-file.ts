/** Line index files on disk (DATA_DIR/index/<fileId>.lines): written during the log parse, loaded into an LRU. */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "@/lib/ingest/blobs";
import { bytesPerRow, DICT_COLUMNS, LineIndexWriter, readLineIndexFrom, type LineIndex } from "@/lib/parsers/log/line-index";
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

// The server process also ingests (issue 5: flat memory); a 5M-line log's index alone is about 300 MB.
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
interface Entry { key: string; index: LineIndex; bytes: number }
const cache = new Map<string, Entry>();
let cachedBytes = 0;
/** Loads in progress: requests for the same file share one copy. */
const loading = new Map<string, Promise<LineIndex>>();

/** Memory an index holds: its columns, and its dictionaries' strings at a rough 64 bytes each. */
const bytesOf = (ix: LineIndex) => ix.meta.rows * bytesPerRow + DICT_COLUMNS.reduce((n, d) => n + ix.dicts[d].length, 0) * 64;

/** Drops least recently used indexes until `room` more bytes fit (the one being used stays). */
function makeRoom(room: number, keep?: string): void {
  for (const [k, e] of cache) {
    if (cachedBytes + room <= MAX_CACHE_BYTES) break;
    if (k === keep) continue;
    cache.delete(k);
    cachedBytes -= e.bytes;
  }
}

/** Reads the file a column of a block at a time: the file is never in memory next to its columns. */
async function readIndexFile(file: string, size: number): Promise<LineIndex> {
  const fh = await open(file, "r");
  try {
    return await readLineIndexFrom(size, async (pos, len) => {
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      return buf.subarray(0, bytesRead);
    });
  } finally {
    await fh.close();
  }
}

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
  const inFlight = loading.get(`${file}@${key}`);
  if (inFlight) return inFlight;
  // Room first: the indexes about to be dropped are not held while this one is read.
  makeRoom(st.size);
  const load = readIndexFile(file, st.size).then((index) => {
    const bytes = bytesOf(index);
    cache.set(file, { key, index, bytes });
    cachedBytes += bytes;
    makeRoom(0, file);
    return index;
  });
  loading.set(`${file}@${key}`, load);
  try {
    return await load;
  } finally {
    loading.delete(`${file}@${key}`);
  }
}
