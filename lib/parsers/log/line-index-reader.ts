/** Reads line index files (format: ./line-index-format.ts); pure, the caller answers the read requests. */
import {
  BLOCK_DICT_TYPE,
  BLOCK_ROWS_TYPE,
  BPE,
  COLUMNS,
  COLUMN_BYTES,
  COLUMN_TYPE,
  CTOR,
  DICT_COLUMNS,
  LINE_INDEX_MAGIC,
  LineIndexFormatError,
  TAIL_BYTES,
  TAIL_MAGIC,
  pad8,
  type ColName,
  type DictName,
  type LineColumns,
  type LineIndex,
  type LineIndexMeta,
} from "./line-index-format";

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
  const trailer = JSON.parse(dec.decode(yield [trailerAt, trailerLen])) as {
    meta: LineIndexMeta;
    dicts?: Record<DictName, string[]>;
  };
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
function* decodeColumn<C extends ColName>(
  layout: LineIndexLayout,
  name: C,
): Generator<ReadRequest, LineColumns[C], Uint8Array> {
  const bpe = COLUMN_BYTES[name];
  const col = new CTOR[COLUMN_TYPE[name]](layout.meta.rows) as LineColumns[C];
  for (const b of layout.blocks)
    new Uint8Array(col.buffer, b.row * bpe, b.rows * bpe).set(yield [b.at[name], b.rows * bpe]);
  return col;
}

function* decodeLineIndex(size: number): Generator<ReadRequest, LineIndex, Uint8Array> {
  const layout = yield* decodeLayout(size);
  const cols = {} as Record<ColName, unknown>;
  for (const [name] of COLUMNS) cols[name] = yield* decodeColumn(layout, name);
  return { meta: layout.meta, dicts: layout.dicts, cols: cols as LineColumns };
}

/** Answers a decoder's read requests through `readAt`. */
async function drive<T>(
  g: Generator<ReadRequest, T, Uint8Array>,
  readAt: (pos: number, len: number) => Promise<Uint8Array>,
): Promise<T> {
  for (let r = g.next(); ;) {
    if (r.done) return r.value;
    const [pos, len] = r.value;
    r = g.next(await readAt(pos, len));
  }
}

/** Reads an index held whole in memory. */
export function readLineIndex(buf: Uint8Array): LineIndex {
  const g = decodeLineIndex(buf.length);
  for (let r = g.next(); ;) {
    if (r.done) return r.value;
    const [pos, len] = r.value;
    r = g.next(buf.subarray(pos, pos + len));
  }
}

/** Reads an index's meta, dictionaries and column positions, but no column data. */
export function readLineIndexLayoutFrom(
  size: number,
  readAt: (pos: number, len: number) => Promise<Uint8Array>,
): Promise<LineIndexLayout> {
  return drive(decodeLayout(size), readAt);
}

/** Reads one whole column of an index whose layout is known. */
export function readColumnFrom<C extends ColName>(
  layout: LineIndexLayout,
  name: C,
  readAt: (pos: number, len: number) => Promise<Uint8Array>,
): Promise<LineColumns[C]> {
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
    case "f64":
      return dv.getFloat64(0, true);
    case "u32":
      return dv.getUint32(0, true);
    case "u16":
      return dv.getUint16(0, true);
    default:
      return dv.getUint8(0);
  }
}
