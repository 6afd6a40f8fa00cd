/** Writes line index files (format: ./line-index-format.ts); pure, the caller appends the bytes. */
import {
  BLOCK_DICT_TYPE,
  BLOCK_ROWS,
  BLOCK_ROWS_TYPE,
  BPE,
  COLUMNS,
  DICT_COLUMNS,
  FLAG_NO_TS,
  FLAG_STACK,
  KIND_CODE,
  LINE_INDEX_MAGIC,
  TAIL_BYTES,
  TAIL_MAGIC,
  allocColumns,
  pad8,
  type ColName,
  type DictName,
  type LineIndexMeta,
} from "./line-index-format";
import type { LogItem } from "./types";

/** Strings remembered per generation: two generations bound a dictionary's memory whatever the file holds. */
export const DICT_GENERATION = 1 << 15;
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
    let pid = 0,
      component = 0,
      errCode = 0,
      corr = 0,
      host = 0,
      message = 0,
      level = 0,
      status = 0;
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

export * from "./line-index-format";
export * from "./line-index-reader";
