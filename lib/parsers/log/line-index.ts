/**
 * Per-file line index: one row per parsed log item (LogItem), stored columnar so the log explorer
 * can filter a million lines in typed arrays instead of one database row per line. Pure: the
 * writer turns items into byte chunks, the reader turns bytes back into typed arrays; the caller
 * does the file I/O (lib/explore/line-index-file.ts).
 *
 * Layout (little-endian, every column and chunk padded to 8 bytes):
 *   "EMGLIDX1"
 *   blocks, in any order:
 *     rows:       u32 rows, u32 0, then the columns of COLUMNS in order, `rows` values each
 *     dictionary: u32 byte length, u32 1, then UTF-8 JSON { [dict]: [new strings, in id order] }
 *   trailer: UTF-8 JSON { meta } (version 1: { meta, dicts })
 *   f64 trailer offset, u32 trailer length, "LIDX"
 * Dictionary columns hold ids into `dicts[name]`; id 0 is always the empty string. Version 1 files keep
 * every dictionary whole in the trailer; version 2 writes new strings as they appear (dictionary blocks),
 * so a file with a million correlation ids never holds them all in memory while it is written.
 */
import type { LogItem } from "./types";

export const LINE_INDEX_MAGIC = "EMGLIDX1";
const TAIL_MAGIC = "LIDX";
const TAIL_BYTES = 16;
export const BLOCK_ROWS = 65536;

export const KINDS = ["event", "stats", "record", "console", "malformed"] as const;
export type LineKind = (typeof KINDS)[number];
const KIND_CODE: Record<LineKind, number> = { event: 0, stats: 1, record: 2, console: 3, malformed: 4 };
/** Bit flags of the `flags` column. */
export const FLAG_STACK = 1;
/** The line had no time stamp of its own (malformed): `ts` is the previous line's. */
export const FLAG_NO_TS = 2;

type ColType = "f64" | "u32" | "u16" | "u8";
const COLUMNS = [
  ["offset", "f64"],
  ["ts", "f64"],
  ["length", "u32"],
  ["lineNo", "u32"],
  ["pid", "u32"],
  ["component", "u32"],
  ["errCode", "u32"],
  ["corr", "u32"],
  ["host", "u32"],
  ["message", "u32"],
  ["level", "u32"],
  ["status", "u16"],
  ["kind", "u8"],
  ["flags", "u8"],
] as const satisfies ReadonlyArray<readonly [string, ColType]>;

export type ColName = (typeof COLUMNS)[number][0];
export const COLUMN_NAMES: readonly ColName[] = COLUMNS.map(([name]) => name);
export const DICT_COLUMNS = ["pid", "component", "errCode", "corr", "host", "message", "level"] as const;
export type DictName = (typeof DICT_COLUMNS)[number];

type ArrayOf<T extends ColType> = T extends "f64" ? Float64Array : T extends "u32" ? Uint32Array : T extends "u16" ? Uint16Array : Uint8Array;
export type LineColumns = { [C in (typeof COLUMNS)[number] as C[0]]: ArrayOf<C[1]> };

const CTOR = { f64: Float64Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;
const BPE = { f64: 8, u32: 4, u16: 2, u8: 1 } as const;
const pad8 = (n: number) => (n + 7) & ~7;
const COLUMN_TYPE = Object.fromEntries(COLUMNS) as Record<ColName, ColType>;
/** Bytes per value of each column. */
export const COLUMN_BYTES = Object.fromEntries(COLUMNS.map(([name, t]) => [name, BPE[t]])) as Record<ColName, number>;

export interface LineIndexMeta {
  version: 1 | 2;
  /** sha256 and size of the (redacted) stored blob the offsets point into. */
  blobSha256: string;
  blobSize: number;
  rows: number;
  firstTs: number | null;
  lastTs: number | null;
}

/** An index with some of its columns in memory (the explorer loads a column when a query first needs it). */
export interface PartialLineIndex {
  meta: LineIndexMeta;
  cols: Partial<LineColumns>;
  dicts: Record<DictName, string[]>;
}

export interface LineIndex extends PartialLineIndex {
  cols: LineColumns;
}

function allocColumns(n: number): LineColumns {
  return Object.fromEntries(COLUMNS.map(([name, t]) => [name, new CTOR[t](n)])) as unknown as LineColumns;
}

/** Byte size of the typed arrays of `rows` rows (what a loaded index costs in memory, dictionaries aside). */
export const bytesPerRow = COLUMNS.reduce((n, [, t]) => n + BPE[t], 0);

/** Strings remembered per generation: two generations bound a dictionary's memory whatever the file holds. */
export const DICT_GENERATION = 1 << 15;
const BLOCK_ROWS_TYPE = 0;
const BLOCK_DICT_TYPE = 1;
/** New strings held before they go out as a dictionary block. */
const DICT_FLUSH_STRINGS = 8192;

/**
 * String → id, for the strings of the recent past only (two generations of DICT_GENERATION). A string
 * met again after that gets a second id: readers match by string, never assume one id per string. Small
 * dictionaries (levels, components, hosts) never reach a generation, so for them ids stay unique.
 */
class Dict {
  private current = new Map<string, number>([["", 0]]);
  private previous = new Map<string, number>();
  private next = 1;
  private lastKey = "";
  private lastId = 0;
  /** Strings given an id since the last dictionary block, in id order. */
  pending: string[] = [];

  id(s: string): number {
    if (s === this.lastKey) return this.lastId;
    let v = this.current.get(s);
    if (v === undefined) {
      v = this.previous.get(s);
      // A field is a slice of its line: store a copy, or the map would keep every line alive.
      const key = s.length > 12 ? (" " + s).slice(1) : s;
      if (v === undefined) {
        v = this.next++;
        this.pending.push(key);
      }
      if (this.current.size >= DICT_GENERATION) {
        this.previous = this.current;
        this.current = new Map([["", 0]]);
      }
      this.current.set(key, v);
    }
    this.lastKey = s;
    this.lastId = v;
    return v;
  }
}

export class LineIndexWriter {
  private block = allocColumns(BLOCK_ROWS);
  private n = 0;
  private rows = 0;
  private lastTs = NaN;
  private firstTs = NaN;
  private maxTs = NaN;
  private readonly dicts = Object.fromEntries(DICT_COLUMNS.map((d) => [d, new Dict()])) as Record<DictName, Dict>;
  private headerDone = false;
  /** Bytes returned by `add` and `finish` so far (the caller appends them in order). */
  private written = 0;

  constructor(private readonly blob: { sha256: string; size: number }) {}

  /** Adds one parsed item; returns bytes to append to the index file when a block filled up. */
  add(it: LogItem): Uint8Array | null {
    const b = this.block;
    const i = this.n;
    b.offset[i] = it.offset;
    b.length[i] = it.length;
    b.lineNo[i] = it.lineNo;
    b.kind[i] = KIND_CODE[it.kind];
    let flags = 0;
    let pid = 0, component = 0, errCode = 0, corr = 0, host = 0, message = 0, level = 0, status = 0;
    if (it.kind === "malformed") {
      flags |= FLAG_NO_TS;
      b.ts[i] = this.lastTs;
    } else {
      b.ts[i] = it.ts;
      this.lastTs = it.ts;
      // NaN compares false: the first time stamp sets both.
      if (!(it.ts >= this.firstTs)) this.firstTs = it.ts;
      if (!(it.ts <= this.maxTs)) this.maxTs = it.ts;
      pid = this.dicts.pid.id(it.pid);
      if (it.kind === "event") {
        component = this.dicts.component.id(it.component);
        errCode = this.dicts.errCode.id(it.errCode);
        corr = this.dicts.corr.id(it.correlationId);
        host = this.dicts.host.id(it.host);
        message = this.dicts.message.id(it.message);
        level = this.dicts.level.id(it.level);
        status = it.status ?? 0;
        if (it.stack !== null) flags |= FLAG_STACK;
      } else if (it.kind === "record") {
        level = this.dicts.level.id(it.level);
        component = this.dicts.component.id(it.fields.component ?? "");
      } else if (it.kind === "console") {
        component = this.dicts.component.id(it.component);
      } else {
        level = this.dicts.level.id("stats");
      }
    }
    b.pid[i] = pid;
    b.component[i] = component;
    b.errCode[i] = errCode;
    b.corr[i] = corr;
    b.host[i] = host;
    b.message[i] = message;
    b.level[i] = level;
    b.status[i] = status > 0 && status < 65536 ? status : 0;
    b.flags[i] = flags;
    this.n++;
    this.rows++;
    if (this.n === BLOCK_ROWS) return this.emit([this.dictBlock(), this.rowsBlock()]);
    if (this.pendingStrings() >= DICT_FLUSH_STRINGS) return this.emit([this.dictBlock()]);
    return null;
  }

  private pendingStrings(): number {
    let n = 0;
    for (const d of DICT_COLUMNS) n += this.dicts[d].pending.length;
    return n;
  }

  /** Concatenates blocks (the file magic first, once) and counts what the caller has been given. */
  private emit(blocks: Array<Uint8Array | null>): Uint8Array | null {
    const parts = blocks.filter((b): b is Uint8Array => b !== null);
    if (!this.headerDone) {
      this.headerDone = true;
      parts.unshift(new TextEncoder().encode(LINE_INDEX_MAGIC));
    }
    if (parts.length === 0) return null;
    const out = concat(parts);
    this.written += out.length;
    return out;
  }

  /** The strings given ids since the last dictionary block; null when there are none. */
  private dictBlock(): Uint8Array | null {
    if (this.pendingStrings() === 0) return null;
    const fresh: Partial<Record<DictName, string[]>> = {};
    for (const d of DICT_COLUMNS) {
      if (this.dicts[d].pending.length) fresh[d] = this.dicts[d].pending;
      this.dicts[d].pending = [];
    }
    const json = new TextEncoder().encode(JSON.stringify(fresh));
    const out = new Uint8Array(8 + pad8(json.length));
    const dv = new DataView(out.buffer);
    dv.setUint32(0, json.length, true);
    dv.setUint32(4, BLOCK_DICT_TYPE, true);
    out.set(json, 8);
    return out;
  }

  private rowsBlock(): Uint8Array | null {
    const n = this.n;
    if (n === 0) return null;
    let size = 8;
    for (const [, t] of COLUMNS) size += pad8(n * BPE[t]);
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, n, true);
    dv.setUint32(4, BLOCK_ROWS_TYPE, true);
    let pos = 8;
    for (const [name, t] of COLUMNS) {
      const col = this.block[name as ColName];
      out.set(new Uint8Array(col.buffer, col.byteOffset, n * BPE[t]), pos);
      pos += pad8(n * BPE[t]);
    }
    this.n = 0;
    return out;
  }

  /** The last blocks and the trailer. Call once, after the last `add`; `blob` overrides the constructor's. */
  finish(blob: { sha256: string; size: number } = this.blob): Uint8Array {
    const body = this.emit([this.dictBlock(), this.rowsBlock()]);
    const meta: LineIndexMeta = {
      version: 2,
      blobSha256: blob.sha256,
      blobSize: blob.size,
      rows: this.rows,
      firstTs: Number.isNaN(this.firstTs) ? null : this.firstTs,
      lastTs: Number.isNaN(this.maxTs) ? null : this.maxTs,
    };
    const trailer = new TextEncoder().encode(JSON.stringify({ meta }));
    const tail = new Uint8Array(TAIL_BYTES);
    const dv = new DataView(tail.buffer);
    // The trailer offset is relative to the file start: everything returned so far, `body` included.
    dv.setFloat64(0, this.written, true);
    dv.setUint32(8, trailer.length, true);
    tail.set(new TextEncoder().encode(TAIL_MAGIC), 12);
    return concat(body ? [body, trailer, tail] : [trailer, tail]);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export class LineIndexFormatError extends Error {}

/** A request for `len` bytes at `pos` of the index file; the reader answers with exactly those bytes. */
type ReadRequest = readonly [pos: number, len: number];

/** Where each column of one rows block starts in the file: value `r` of column `c` is at `at[c] + (r - row) * bytes`. */
export interface RowBlock {
  row: number;
  rows: number;
  at: Record<ColName, number>;
}

/** An index without its column data: meta, dictionaries and where every column of every block lives. */
export interface LineIndexLayout {
  meta: LineIndexMeta;
  dicts: Record<DictName, string[]>;
  blocks: RowBlock[];
}

/**
 * Walks an index of `size` bytes piece by piece, reading block headers and dictionaries but no column data:
 * yields what it needs to read next, so a caller can answer from a buffer or from the file.
 */
function* decodeLayout(size: number): Generator<ReadRequest, LineIndexLayout, Uint8Array> {
  const dec = new TextDecoder();
  const fail = (why: string): never => {
    throw new LineIndexFormatError(`line index: ${why}`);
  };
  if (size < LINE_INDEX_MAGIC.length + TAIL_BYTES) fail("bad magic");
  if (dec.decode(yield [0, LINE_INDEX_MAGIC.length]) !== LINE_INDEX_MAGIC) fail("bad magic");
  const tailAt = size - TAIL_BYTES;
  const tail = yield [tailAt, TAIL_BYTES];
  if (dec.decode(tail.subarray(12)) !== TAIL_MAGIC) fail("truncated (no trailer)");
  const tv = new DataView(tail.buffer, tail.byteOffset, TAIL_BYTES);
  const trailerAt = tv.getFloat64(0, true);
  const trailerLen = tv.getUint32(8, true);
  if (trailerAt + trailerLen !== tailAt) fail("trailer out of place");
  const trailer = JSON.parse(dec.decode(yield [trailerAt, trailerLen])) as { meta: LineIndexMeta; dicts?: Record<DictName, string[]> };
  const { meta } = trailer;
  // Version 1: whole dictionaries in the trailer. Version 2: "" then the strings of the dictionary blocks.
  const dicts = trailer.dicts ?? (Object.fromEntries(DICT_COLUMNS.map((d) => [d, [""]])) as Record<DictName, string[]>);
  const blocks: RowBlock[] = [];
  let pos = LINE_INDEX_MAGIC.length;
  let row = 0;
  while (pos < trailerAt) {
    if (pos + 8 > trailerAt) fail(`block header at byte ${pos} overruns the trailer`);
    const head = yield [pos, 8];
    const hv = new DataView(head.buffer, head.byteOffset, 8);
    const n = hv.getUint32(0, true);
    const type = hv.getUint32(4, true);
    pos += 8;
    if (type === BLOCK_DICT_TYPE) {
      if (pos + n > trailerAt) fail(`dictionary block at byte ${pos - 8} overruns the trailer`);
      const fresh = JSON.parse(dec.decode(yield [pos, n])) as Partial<Record<DictName, string[]>>;
      for (const d of DICT_COLUMNS) for (const str of fresh[d] ?? []) dicts[d].push(str);
      pos += pad8(n);
      continue;
    }
    if (type !== BLOCK_ROWS_TYPE) fail(`unknown block type ${type} at byte ${pos - 8}`);
    if (row + n > meta.rows) fail(`block at byte ${pos - 8} overruns ${meta.rows} rows`);
    const at = {} as Record<ColName, number>;
    for (const [name, t] of COLUMNS) {
      const bytes = n * BPE[t];
      if (pos + bytes > trailerAt) fail(`column ${name} at byte ${pos} overruns the trailer`);
      at[name] = pos;
      pos += pad8(bytes);
    }
    blocks.push({ row, rows: n, at });
    row += n;
  }
  if (row !== meta.rows) fail(`${row} rows in blocks, ${meta.rows} in trailer`);
  return { meta, dicts, blocks };
}

/** Reads one whole column, a block at a time. */
function* decodeColumn<C extends ColName>(layout: LineIndexLayout, name: C): Generator<ReadRequest, LineColumns[C], Uint8Array> {
  const bpe = COLUMN_BYTES[name];
  const col = new CTOR[COLUMN_TYPE[name]](layout.meta.rows) as LineColumns[C];
  for (const b of layout.blocks) new Uint8Array(col.buffer, b.row * bpe, b.rows * bpe).set(yield [b.at[name], b.rows * bpe]);
  return col;
}

function* decodeLineIndex(size: number): Generator<ReadRequest, LineIndex, Uint8Array> {
  const layout = yield* decodeLayout(size);
  const cols = {} as Record<ColName, unknown>;
  for (const [name] of COLUMNS) cols[name] = yield* decodeColumn(layout, name);
  return { meta: layout.meta, dicts: layout.dicts, cols: cols as LineColumns };
}

/** Answers a decoder's read requests through `readAt`. */
async function drive<T>(g: Generator<ReadRequest, T, Uint8Array>, readAt: (pos: number, len: number) => Promise<Uint8Array>): Promise<T> {
  for (let r = g.next(); ; ) {
    if (r.done) return r.value;
    const [pos, len] = r.value;
    r = g.next(await readAt(pos, len));
  }
}

/** Reads an index held whole in memory. */
export function readLineIndex(buf: Uint8Array): LineIndex {
  const g = decodeLineIndex(buf.length);
  for (let r = g.next(); ; ) {
    if (r.done) return r.value;
    const [pos, len] = r.value;
    r = g.next(buf.subarray(pos, pos + len));
  }
}

/** Reads an index through `readAt` (the file on disk), one column of one block at a time. */
export function readLineIndexFrom(size: number, readAt: (pos: number, len: number) => Promise<Uint8Array>): Promise<LineIndex> {
  return drive(decodeLineIndex(size), readAt);
}

/** Reads an index's meta, dictionaries and column positions, but no column data. */
export function readLineIndexLayoutFrom(size: number, readAt: (pos: number, len: number) => Promise<Uint8Array>): Promise<LineIndexLayout> {
  return drive(decodeLayout(size), readAt);
}

/** Reads one whole column of an index whose layout is known. */
export function readColumnFrom<C extends ColName>(layout: LineIndexLayout, name: C, readAt: (pos: number, len: number) => Promise<Uint8Array>): Promise<LineColumns[C]> {
  return drive(decodeColumn(layout, name), readAt);
}

/** Which of `layout.blocks` holds row `row` (blocks are in row order). */
export function blockOf(layout: LineIndexLayout, row: number): number {
  const bs = layout.blocks;
  let lo = 0;
  let hi = bs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bs[mid].row <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** File position of value `row` of column `name`. */
export function valueAt(layout: LineIndexLayout, name: ColName, row: number): number {
  const b = layout.blocks[blockOf(layout, row)];
  return b.at[name] + (row - b.row) * COLUMN_BYTES[name];
}

/** Decodes one value of column `name` from its bytes. */
export function decodeValue(name: ColName, b: Uint8Array, at = 0): number {
  const dv = new DataView(b.buffer, b.byteOffset + at, COLUMN_BYTES[name]);
  switch (COLUMN_TYPE[name]) {
    case "f64": return dv.getFloat64(0, true);
    case "u32": return dv.getUint32(0, true);
    case "u16": return dv.getUint16(0, true);
    default: return dv.getUint8(0);
  }
}
