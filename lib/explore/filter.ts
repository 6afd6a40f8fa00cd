/** Pure filtering of loaded line indexes: typed-array scans, then a time-ordered merge across files. */
import { KINDS, type ColName, type LineColumns, type PartialLineIndex } from "@/lib/parsers/log/line-index";

/**
 * A filter with its strings already resolved against one file's dictionaries. A string may hold more than
 * one id (lib/parsers/log/line-index.ts), so each dictionary filter is a mask over ids: 1 = passes.
 */
export interface RowFilter {
  level?: Uint8Array;
  kind?: number;
  statusLo?: number;
  statusHi?: number;
  errCode?: Uint8Array;
  component?: Uint8Array;
  pid?: Uint8Array;
  /** Rows pass when their correlation id's mask entry is 1, or (when given) their host's. */
  corrMask?: Uint8Array;
  hostMask?: Uint8Array;
  from?: number;
  to?: number;
}

export interface StringFilter {
  level?: string;
  kind?: string;
  status?: string;
  errCode?: string;
  component?: string;
  pid?: string;
  correlationId?: string;
  /** Correlation ids allowed (from a target/proxy lookup); `hosts` also pass when given. */
  correlationIds?: Set<string>;
  hosts?: Set<string>;
  from?: number;
  to?: number;
}

/** Resolves string filters against one file's dictionaries; null when nothing in this file can match. */
export function resolveFilter(ix: PartialLineIndex, f: StringFilter): RowFilter | null {
  const out: RowFilter = {};
  for (const key of ["level", "errCode", "component", "pid"] as const) {
    const want = f[key];
    if (want === undefined) continue;
    const mask = maskOf(ix.dicts[key], (s) => s === want);
    if (!mask) return null;
    out[key] = mask;
  }
  if (f.kind !== undefined) {
    const k = (KINDS as readonly string[]).indexOf(f.kind);
    if (k === -1) return null;
    out.kind = k;
  }
  if (f.status !== undefined) {
    const cls = /^([1-5])xx$/.exec(f.status);
    out.statusLo = cls ? Number(cls[1]) * 100 : Number(f.status);
    out.statusHi = cls ? out.statusLo + 99 : out.statusLo;
  }
  if (f.correlationId !== undefined || f.correlationIds) {
    const { correlationId, correlationIds, hosts } = f;
    const corrMask = maskOf(
      ix.dicts.corr,
      (c) =>
        c !== "" && (correlationId === undefined || c === correlationId) && (!correlationIds || correlationIds.has(c)),
    );
    const hostMask = hosts ? maskOf(ix.dicts.host, (h) => hosts.has(h)) : null;
    if (!corrMask && !hostMask) return null;
    out.corrMask = corrMask ?? new Uint8Array(ix.dicts.corr.length);
    if (hostMask) out.hostMask = hostMask;
  }
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  return out;
}

/** 1 for each dictionary id whose string passes; null when none does. */
function maskOf(dict: string[], pass: (s: string) => boolean): Uint8Array | null {
  const mask = new Uint8Array(dict.length);
  let any = false;
  dict.forEach((s, i) => {
    if (pass(s)) {
      mask[i] = 1;
      any = true;
    }
  });
  return any ? mask : null;
}

/** A column a caller has loaded (lib/explore/line-index-file.ts ensureColumns); a missing one is a bug there. */
export function col<C extends ColName>(ix: PartialLineIndex, name: C): LineColumns[C] {
  const c = ix.cols[name];
  if (!c) throw new Error(`line index column ${name} not loaded`);
  return c;
}

/** The columns `matchRows` reads for this filter: none without one. */
export function filterColumns(f: RowFilter): ColName[] {
  const out: ColName[] = [];
  if (f.level) out.push("level");
  if (f.kind !== undefined) out.push("kind");
  if (f.statusLo !== undefined) out.push("status");
  if (f.errCode) out.push("errCode");
  if (f.component) out.push("component");
  if (f.pid) out.push("pid");
  if (f.corrMask) out.push("corr");
  if (f.hostMask) out.push("host");
  if (f.from !== undefined || f.to !== undefined) out.push("ts");
  return out;
}

/** The rows of one file that pass a filter, in file order: all of them (no array: 4 bytes a line saved), or these. */
export type Matches = { all: number } | Uint32Array;

/** Row numbers that pass the filter; needs the columns of `filterColumns(f)` loaded. */
export function matchRows(ix: PartialLineIndex, f: RowFilter): Matches {
  const n = ix.meta.rows;
  const need = filterColumns(f);
  if (need.length === 0) return { all: n };
  const out = new Uint32Array(n);
  const c = Object.fromEntries(need.map((name) => [name, col(ix, name)])) as Partial<LineColumns>;
  let k = 0;
  const { level, kind, statusLo, statusHi, errCode, component, pid, corrMask, hostMask, from, to } = f;
  for (let i = 0; i < n; i++) {
    if (level !== undefined && level[c.level![i]] !== 1) continue;
    if (kind !== undefined && c.kind![i] !== kind) continue;
    if (statusLo !== undefined && (c.status![i] < statusLo || c.status![i] > statusHi!)) continue;
    if (errCode !== undefined && errCode[c.errCode![i]] !== 1) continue;
    if (component !== undefined && component[c.component![i]] !== 1) continue;
    if (pid !== undefined && pid[c.pid![i]] !== 1) continue;
    if (corrMask !== undefined && corrMask[c.corr![i]] !== 1 && !(hostMask !== undefined && hostMask[c.host![i]] === 1))
      continue;
    if (from !== undefined && !(c.ts![i] >= from)) continue;
    if (to !== undefined && !(c.ts![i] < to)) continue;
    out[k++] = i;
  }
  return out.slice(0, k);
}

/** The row numbers of `m` as an array. */
export function matchedRows(m: Matches): Uint32Array {
  if (m instanceof Uint32Array) return m;
  const out = new Uint32Array(m.all);
  for (let i = 0; i < m.all; i++) out[i] = i;
  return out;
}

/** The candidates of a query in time order: position → (file, row). */
export interface Merged {
  total: number;
  fileAt(pos: number): number;
  rowAt(pos: number): number;
}

/** Interleaves per-file matches by time stamp, keeping each file's own order (k-way merge); needs `ts` of each file but for one file. */
export function mergeByTime(ixs: PartialLineIndex[], matches: Matches[]): Merged {
  // One file (the usual case) needs no copy, and no array at all without a filter.
  if (matches.length === 1) {
    const m = matches[0];
    return m instanceof Uint32Array
      ? { total: m.length, fileAt: () => 0, rowAt: (p) => m[p] }
      : { total: m.all, fileAt: () => 0, rowAt: (p) => p };
  }
  const rows = matches.map(matchedRows);
  let total = 0;
  for (const r of rows) total += r.length;
  const file = new Uint16Array(total);
  const row = new Uint32Array(total);
  const pos = rows.map(() => 0);
  const ts = ixs.map((ix) => col(ix, "ts"));
  const tsAt = (f: number) => {
    const t = ts[f][rows[f][pos[f]]];
    return Number.isNaN(t) ? -Infinity : t;
  };
  for (let k = 0; k < total; k++) {
    let best = -1;
    let bestTs = Infinity;
    for (let f = 0; f < rows.length; f++) {
      if (pos[f] >= rows[f].length) continue;
      const t = tsAt(f);
      if (best === -1 || t < bestTs) {
        best = f;
        bestTs = t;
      }
    }
    file[k] = best;
    row[k] = rows[best][pos[best]++];
  }
  return { total, fileAt: (p) => file[p], rowAt: (p) => row[p] };
}

/** Last row whose line number is ≤ lineNo (rows are in line order), or -1; needs `lineNo`. */
export function rowAtOrBefore(ix: PartialLineIndex, lineNo: number): number {
  const ln = col(ix, "lineNo");
  let lo = 0;
  let hi = ix.meta.rows - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ln[mid] <= lineNo) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
