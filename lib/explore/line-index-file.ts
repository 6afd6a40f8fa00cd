/** Line index files on disk (DATA_DIR/index/<fileId>.lines): written during the log parse, loaded into an LRU. */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "@/lib/ingest/blobs";
import {
  blockOf,
  COLUMN_BYTES,
  COLUMN_NAMES,
  decodeValue,
  DICT_COLUMNS,
  LineIndexWriter,
  readColumnFrom,
  readLineIndexLayoutFrom,
  valueAt,
  type ColName,
  type LineIndexLayout,
  type PartialLineIndex,
} from "@/lib/parsers/log/line-index";
import type { LogItem } from "@/lib/parsers/log/types";

export const lineIndexDir = (dataDir: string) => path.join(dataDir, "index");
/** Where a log file's line index lives; incident deletion removes these with the blobs. */
export const lineIndexPath = (dataDir: string, fileId: string) => path.join(lineIndexDir(dataDir), `${fileId}.lines`);
/** Where a line index is written until it is complete. */
export const unfinishedLineIndexPath = (dataDir: string, fileId: string) => `${lineIndexPath(dataDir, fileId)}.tmp`;
/** The blob store lives in DATA_DIR/blobs (lib/ingest/bundle.ts `blobStore`). */
export const dataDirOf = (store: BlobStore) => path.dirname(store.rootDir);

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
  const tmp = unfinishedLineIndexPath(dataDirOf(store), fileId);
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

// --- loading, with an LRU bounded by the memory the loaded columns take ---

/**
 * A line index whose columns load on first use (`ensureColumns`): a query holds only what it reads.
 * `cols` has the loaded columns; `layout` says where the others are in `file`.
 */
export interface LazyLineIndex extends PartialLineIndex {
  file: string;
  layout: LineIndexLayout;
  /** size:mtime of the file the layout was read from. */
  key: string;
}

// The server process also ingests (issue 5: flat memory); every column of a 5M-line log would be about 270 MB.
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
interface Entry {
  index: LazyLineIndex;
  bytes: number;
}
interface CacheState {
  cache: Map<string, Entry>;
  bytes: number;
  /** Loads in progress: requests for the same file (or the same column) share one read. */
  loading: Map<string, Promise<LazyLineIndex>>;
  loadingCols: WeakMap<LazyLineIndex, Map<ColName, Promise<void>>>;
}
// Pages and route handlers are separate server bundles, each with its own copy of this module: one cache per
// process, or an index open in both would be held twice (measured: +50 MB per copy for a 5M-line log's dictionaries).
const g = globalThis as unknown as { __emgLineIndexCache?: CacheState };
const state = (g.__emgLineIndexCache ??= {
  cache: new Map(),
  bytes: 0,
  loading: new Map(),
  loadingCols: new WeakMap(),
});
const { cache, loading, loadingCols } = state;

/** Dictionaries' strings at a rough 64 bytes each. */
const dictBytes = (ix: PartialLineIndex) => DICT_COLUMNS.reduce((n, d) => n + ix.dicts[d].length, 0) * 64;

/** Drops least recently used indexes until `room` more bytes fit (the one being used stays). */
function makeRoom(room: number, keep?: string): void {
  for (const [k, e] of cache) {
    if (state.bytes + room <= MAX_CACHE_BYTES) break;
    if (k === keep) continue;
    cache.delete(k);
    state.bytes -= e.bytes;
  }
}

/** Opens the index file, failing when it is no longer the one `ix` was read from (re-parsed meanwhile). */
async function withFile<T>(
  ix: LazyLineIndex,
  f: (readAt: (pos: number, len: number) => Promise<Uint8Array>) => Promise<T>,
): Promise<T> {
  const fh = await open(ix.file, "r");
  try {
    const st = await fh.stat();
    if (`${st.size}:${st.mtimeMs}` !== ix.key) throw new Error(`line index ${ix.file} changed while in use`);
    return await f(async (pos, len) => {
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      return buf.subarray(0, bytesRead);
    });
  } finally {
    await fh.close();
  }
}

/** Drops a log's index from this process's cache: another thread (the parse thread) has just written it anew. */
export function forgetLineIndex(store: BlobStore, fileId: string): void {
  evict(lineIndexPath(dataDirOf(store), fileId));
}

function evict(file: string): void {
  const e = cache.get(file);
  if (!e) return;
  cache.delete(file);
  state.bytes -= e.bytes;
}

/** Loads an index's meta, dictionaries and column positions (cached while the file's size and mtime stay the same); null when the file has none. */
export async function loadLineIndex(file: string): Promise<LazyLineIndex | null> {
  let st;
  try {
    st = await stat(file);
  } catch {
    evict(file); // deleted with its incident
    return null;
  }
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit && hit.index.key === key) {
    cache.delete(file);
    cache.set(file, hit); // most recently used last
    return hit.index;
  }
  evict(file);
  const inFlight = loading.get(`${file}@${key}`);
  if (inFlight) return inFlight;
  const stub = { file, key } as LazyLineIndex;
  const load = withFile(stub, (readAt) => readLineIndexLayoutFrom(st.size, readAt)).then((layout) => {
    const index: LazyLineIndex = { file, key, layout, meta: layout.meta, dicts: layout.dicts, cols: {} };
    const bytes = dictBytes(index);
    makeRoom(bytes);
    cache.set(file, { index, bytes });
    state.bytes += bytes;
    return index;
  });
  loading.set(`${file}@${key}`, load);
  try {
    return await load;
  } finally {
    loading.delete(`${file}@${key}`);
  }
}

/** Loads the named columns whole (all rows) unless they are already; afterwards `ix.cols[name]` is there. */
export async function ensureColumns(ix: LazyLineIndex, names: readonly ColName[]): Promise<void> {
  let pending = loadingCols.get(ix);
  if (!pending) loadingCols.set(ix, (pending = new Map()));
  const waits: Promise<void>[] = [];
  for (const name of new Set(names)) {
    if (ix.cols[name]) continue;
    let p = pending.get(name);
    if (!p) {
      const bytes = ix.meta.rows * COLUMN_BYTES[name];
      // Room first: the indexes about to be dropped are not held while this column is read.
      makeRoom(bytes, ix.file);
      p = withFile(ix, (readAt) => readColumnFrom(ix.layout, name, readAt))
        .then((col) => {
          (ix.cols as Record<ColName, unknown>)[name] = col;
          const e = cache.get(ix.file);
          // An index dropped from the cache meanwhile is no longer counted (its memory goes with its last query).
          if (e?.index === ix) {
            e.bytes += bytes;
            state.bytes += bytes;
            makeRoom(0, ix.file);
          }
        })
        .finally(() => pending.delete(name));
      pending.set(name, p);
    }
    waits.push(p);
  }
  await Promise.all(waits);
}

/** The loaded columns of an index and the bytes they take (what a query has cost in memory so far). */
export function loadedColumns(ix: PartialLineIndex): { names: ColName[]; bytes: number } {
  const names = COLUMN_NAMES.filter((n) => ix.cols[n]);
  return { names, bytes: names.reduce((b, n) => b + ix.cols[n]!.byteLength, 0) };
}

/** Rows closer than this in one block are read with one read per column (a page of neighbouring lines). */
const RUN_ROWS = 4096;

/**
 * Values of columns `names` at `rows` (one record per row, in the given order): from loaded columns where
 * there are, else by positioned reads of the index file, so a page of lines never loads a column whole.
 */
export async function readRowValues<C extends ColName>(
  ix: LazyLineIndex,
  names: readonly C[],
  rows: readonly number[],
): Promise<Array<Record<C, number>>> {
  const out = rows.map(() => ({}) as Record<C, number>);
  const missing: C[] = [];
  for (const name of names) {
    const col = ix.cols[name];
    if (col) rows.forEach((r, i) => (out[i][name] = col[r]));
    else missing.push(name);
  }
  if (missing.length === 0 || rows.length === 0) return out;
  // Runs of nearby rows of one block: one read per column per run.
  const order = rows.map((_, i) => i).sort((a, b) => rows[a] - rows[b]);
  const runs: number[][] = [];
  for (const i of order) {
    const run = runs.at(-1);
    const r = rows[i];
    if (run && r - rows[run[0]] < RUN_ROWS && blockOf(ix.layout, r) === blockOf(ix.layout, rows[run[0]])) run.push(i);
    else runs.push([i]);
  }
  await withFile(ix, async (readAt) => {
    for (const run of runs) {
      const lo = rows[run[0]];
      const hi = rows[run.at(-1)!];
      for (const name of missing) {
        const bpe = COLUMN_BYTES[name];
        const start = valueAt(ix.layout, name, lo);
        const buf = await readAt(start, (hi - lo + 1) * bpe);
        for (const i of run) out[i][name] = decodeValue(name, buf, (rows[i] - lo) * bpe);
      }
    }
  });
  return out;
}
