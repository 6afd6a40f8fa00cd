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
export const LINE_INDEX_MAGIC = "EMGLIDX1";
export const TAIL_MAGIC = "LIDX";
export const TAIL_BYTES = 16;
export const BLOCK_ROWS = 65536;

export const KINDS = ["event", "stats", "record", "console", "malformed"] as const;
export type LineKind = (typeof KINDS)[number];
export const KIND_CODE: Record<LineKind, number> = { event: 0, stats: 1, record: 2, console: 3, malformed: 4 };
/** Bit flags of the `flags` column. */
export const FLAG_STACK = 1;
/** The line had no time stamp of its own (malformed): `ts` is the previous line's. */
export const FLAG_NO_TS = 2;

type ColType = "f64" | "u32" | "u16" | "u8";
export const COLUMNS = [
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

type ArrayOf<T extends ColType> = T extends "f64"
  ? Float64Array
  : T extends "u32"
    ? Uint32Array
    : T extends "u16"
      ? Uint16Array
      : Uint8Array;
export type LineColumns = { [C in (typeof COLUMNS)[number] as C[0]]: ArrayOf<C[1]> };

export const CTOR = { f64: Float64Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;
export const BPE = { f64: 8, u32: 4, u16: 2, u8: 1 } as const;
export const pad8 = (n: number) => (n + 7) & ~7;
export const COLUMN_TYPE = Object.fromEntries(COLUMNS) as Record<ColName, ColType>;
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

export function allocColumns(n: number): LineColumns {
  return Object.fromEntries(COLUMNS.map(([name, t]) => [name, new CTOR[t](n)])) as unknown as LineColumns;
}

/** Byte size of the typed arrays of `rows` rows (what a loaded index costs in memory, dictionaries aside). */
export const bytesPerRow = COLUMNS.reduce((n, [, t]) => n + BPE[t], 0);

export const BLOCK_ROWS_TYPE = 0;
export const BLOCK_DICT_TYPE = 1;

export class LineIndexFormatError extends Error {}
