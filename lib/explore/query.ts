import "server-only";
/**
 * The log explorer's read side: every parsed line of an incident, from the per-file line indexes
 * (filters run over typed arrays) and the stored, redacted log blobs (only the shown page is read).
 */
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { KINDS, type ColName } from "@/lib/parsers/log/line-index";
import { BlobReader, lineText } from "./blob-reader";
import { maskLine } from "./mask";
import { col, filterColumns, matchRows, mergeByTime, resolveFilter, type Merged, type StringFilter } from "./filter";
import {
  dataDirOf,
  ensureColumns,
  lineIndexPath,
  loadLineIndex,
  readRowValues,
  type LazyLineIndex,
} from "./line-index-file";
import type { ExploreLine, LineFacets, LinePage, LineQuery } from "./schema";
import { bundleFileOrder, type FileKind, type FileStatus } from "@/lib/ingest/file-kinds";

/** Free text: stop a page after scanning this many candidate lines (the page says how far it got). */
const TEXT_SCAN_LINES = 500_000;

export interface IndexedFile {
  id: string;
  name: string;
  index: LazyLineIndex | null;
}

/** The incident's parsed log files, in upload order (by name within one upload), with their line indexes loaded (cached). */
export async function indexedLogFiles(db: Db, store: BlobStore, incidentId: string): Promise<IndexedFile[]> {
  const files = await db.bundleFile.findMany({
    where: { incidentId, kind: "gateway-log" satisfies FileKind, status: "done" satisfies FileStatus },
    orderBy: bundleFileOrder(),
    select: { id: true, name: true },
  });
  const dataDir = dataDirOf(store);
  const load = (id: string) =>
    loadLineIndex(lineIndexPath(dataDir, id)).catch((e: unknown) => {
      // A damaged index makes its file unsearchable (listed as such), never the whole explorer.
      console.error(`[explore] line index of ${id}: ${e instanceof Error ? e.message : e}`);
      return null;
    });
  return Promise.all(files.map(async (f) => ({ ...f, index: await load(f.id) })));
}

async function stringFilter(db: Db, incidentId: string, q: LineQuery): Promise<StringFilter> {
  const f: StringFilter = {
    level: q.level,
    kind: q.kind,
    status: q.status,
    errCode: q.errCode,
    component: q.component,
    pid: q.pid,
    correlationId: q.correlationId,
    from: q.from,
    to: q.to,
  };
  if (q.target || q.proxy) {
    // Target and proxy are properties of transactions: every line of a matching transaction passes.
    const txs = await db.logTransaction.findMany({
      where: { incidentId, ...(q.target ? { target: q.target } : {}), ...(q.proxy ? { proxy: q.proxy } : {}) },
      select: { correlationId: true },
    });
    f.correlationIds = new Set(txs.map((t) => t.correlationId));
    // Target-side lines name the target themselves, even without a stitched transaction.
    if (q.target && !q.proxy && q.correlationId === undefined) f.hosts = new Set([q.target]);
  }
  return f;
}

// Shared by the page and route-handler bundles, as the line index cache is (lib/explore/line-index-file.ts).
const mergedCache = ((globalThis as unknown as { __emgMergedCache?: Map<string, Merged> }).__emgMergedCache ??=
  new Map());

async function candidates(
  db: Db,
  incidentId: string,
  files: IndexedFile[],
  q: LineQuery,
): Promise<{ ixs: LazyLineIndex[]; names: IndexedFile[]; merged: Merged }> {
  const usable = files.filter((f) => f.index && (!q.file || f.id === q.file));
  const { cursor: _c, limit: _l, q: _q, ...filters } = q;
  const key = JSON.stringify([
    incidentId,
    usable.map((f) => [f.id, f.index!.meta.rows, f.index!.meta.blobSha256]),
    filters,
  ]);
  const ixs = usable.map((f) => f.index!);
  const hit = mergedCache.get(key);
  if (hit) return { ixs, names: usable, merged: hit };
  const sf = await stringFilter(db, incidentId, q);
  // Each file loads only the columns its filters read (none without a filter), and `ts` to merge files.
  const rows = await Promise.all(
    ixs.map(async (ix) => {
      const rf = resolveFilter(ix, sf);
      if (!rf) return new Uint32Array(0);
      await ensureColumns(ix, [...filterColumns(rf), ...(ixs.length > 1 ? (["ts"] as const) : [])]);
      return matchRows(ix, rf);
    }),
  );
  const merged = mergeByTime(ixs, rows);
  mergedCache.set(key, merged);
  if (mergedCache.size > 8) mergedCache.delete(mergedCache.keys().next().value!);
  return { ixs, names: usable, merged };
}

/** What a shown line needs of its index row: read for the page's rows only. */
const SHOWN = [
  "offset",
  "length",
  "lineNo",
  "ts",
  "kind",
  "level",
  "status",
  "errCode",
  "corr",
] as const satisfies readonly ColName[];
type Shown = Record<(typeof SHOWN)[number], number>;

function describe(f: IndexedFile, ix: LazyLineIndex, v: Shown, raw: Buffer, mask: boolean): ExploreLine {
  const kind = KINDS[v.kind];
  return {
    fileId: f.id,
    file: f.name,
    lineNo: v.lineNo,
    ts: kind === "malformed" || Number.isNaN(v.ts) ? null : v.ts,
    kind,
    level: ix.dicts.level[v.level],
    status: v.status || null,
    errCode: ix.dicts.errCode[v.errCode],
    correlationId: ix.dicts.corr[v.corr],
    text: mask && kind === "event" ? maskLine(lineText(raw), ix.dicts.corr[v.corr]) : lineText(raw),
    bytes: v.length,
    truncated: raw.length < v.length,
  };
}

/** The shown values of the rows at merged `positions`, one batch of reads per file. */
async function shownValues(ixs: LazyLineIndex[], merged: Merged, positions: number[]): Promise<Shown[]> {
  const out: Shown[] = new Array(positions.length);
  await Promise.all(
    ixs.map(async (ix, fi) => {
      const mine = positions.flatMap((p, k) => (merged.fileAt(p) === fi ? [k] : []));
      const vals = await readRowValues(
        ix,
        SHOWN,
        mine.map((k) => merged.rowAt(positions[k])),
      );
      mine.forEach((k, j) => (out[k] = vals[j]));
    }),
  );
  return out;
}

export interface ViewOptions {
  /** A shared (read-only) view: client ids masked. */
  maskClientIds?: boolean;
}

export async function queryLines(
  db: Db,
  store: BlobStore,
  incidentId: string,
  q: LineQuery,
  opts: ViewOptions = {},
): Promise<LinePage> {
  const mask = opts.maskClientIds === true;
  const files = await indexedLogFiles(db, store, incidentId);
  const { ixs, names, merged } = await candidates(db, incidentId, files, q);
  const total = merged.total;
  const readers = ixs.map((ix) => new BlobReader(store.pathOf(ix.meta.blobSha256)));
  const lines: ExploreLine[] = [];
  let pos = Math.min(q.cursor, total);
  try {
    if (!q.q) {
      const page: number[] = [];
      for (; pos < total && page.length < q.limit; pos++) page.push(pos);
      const vals = await shownValues(ixs, merged, page);
      for (let k = 0; k < page.length; k++) {
        const fi = merged.fileAt(page[k]);
        lines.push(describe(names[fi], ixs[fi], vals[k], await readers[fi].read(vals[k].offset, vals[k].length), mask));
      }
    } else {
      // Free text reads up to TEXT_SCAN_LINES lines: their offsets and lengths are loaded whole.
      await Promise.all(
        ixs.map((ix) => ensureColumns(ix, ["offset", "length", ...(mask ? (["kind", "corr"] as const) : [])])),
      );
      const needle = q.q.toLowerCase();
      const stop = Math.min(total, pos + TEXT_SCAN_LINES);
      const offset = ixs.map((ix) => col(ix, "offset"));
      const length = ixs.map((ix) => col(ix, "length"));
      const hits: Array<{ pos: number; raw: Buffer }> = [];
      for (; pos < stop && hits.length < q.limit; pos++) {
        const fi = merged.fileAt(pos);
        const r = merged.rowAt(pos);
        const ix = ixs[fi];
        const raw = await readers[fi].read(offset[fi][r], length[fi][r]);
        // A shared view searches what it shows: a masked client id cannot be found by guessing it.
        const text = lineText(raw);
        const shown = mask && col(ix, "kind")[r] === 0 ? maskLine(text, ix.dicts.corr[col(ix, "corr")[r]]) : text;
        if (shown.toLowerCase().includes(needle)) hits.push({ pos, raw: Buffer.from(raw) }); // a copy: `raw` is a view of the reader's 64 KiB window
      }
      const vals = await shownValues(
        ixs,
        merged,
        hits.map((h) => h.pos),
      );
      hits.forEach((h, k) => {
        const fi = merged.fileAt(h.pos);
        lines.push(describe(names[fi], ixs[fi], vals[k], h.raw, mask));
      });
    }
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
  const start = Math.min(q.cursor, total);
  return {
    candidates: total,
    cursor: start,
    limit: q.limit,
    nextCursor: pos < total ? pos : null,
    prevCursor: q.q || start === 0 ? null : Math.max(0, start - q.limit),
    lines,
    text: q.q ? { scannedTo: pos, scanned: pos - start } : null,
    files: files.map((f) => ({ id: f.id, name: f.name, lines: f.index?.meta.rows ?? null })),
    unindexed: files.filter((f) => !f.index).map((f) => f.name),
  };
}

const facetCache = new WeakMap<LazyLineIndex, { statuses: Set<number>; kinds: Set<string> }>();

/** Values the explorer's filters can take, from the indexes' dictionaries and the transactions. */
export async function lineFacets(db: Db, store: BlobStore, incidentId: string): Promise<LineFacets> {
  const files = await indexedLogFiles(db, store, incidentId);
  const sets = {
    levels: new Set<string>(),
    kinds: new Set<string>(),
    statuses: new Set<number>(),
    errCodes: new Set<string>(),
    components: new Set<string>(),
    pids: new Set<string>(),
  };
  for (const { index: ix } of files) {
    if (!ix) continue;
    let seen = facetCache.get(ix);
    if (!seen) {
      seen = { statuses: new Set(), kinds: new Set() };
      await ensureColumns(ix, ["status", "kind"]);
      const status = col(ix, "status");
      const kind = col(ix, "kind");
      for (let i = 0; i < ix.meta.rows; i++) {
        if (status[i]) seen.statuses.add(status[i]);
        seen.kinds.add(KINDS[kind[i]]);
      }
      facetCache.set(ix, seen);
    }
    seen.statuses.forEach((s) => sets.statuses.add(s));
    seen.kinds.forEach((s) => sets.kinds.add(s));
    ix.dicts.level.forEach((s) => s && sets.levels.add(s));
    ix.dicts.errCode.forEach((s) => s && sets.errCodes.add(s));
    ix.dicts.component.forEach((s) => s && sets.components.add(s));
    ix.dicts.pid.forEach((s) => s && sets.pids.add(s));
  }
  // Prisma's `distinct` dedupes in memory after reading every row: ask the database instead.
  const [targets, proxies] = await Promise.all([
    db.$queryRaw<
      Array<{ v: string }>
    >`SELECT DISTINCT target v FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND target IS NOT NULL`,
    db.$queryRaw<
      Array<{ v: string }>
    >`SELECT DISTINCT proxy v FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND proxy IS NOT NULL`,
  ]);
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    levels: sorted(sets.levels),
    kinds: KINDS.filter((k) => sets.kinds.has(k)),
    statuses: [...sets.statuses].sort((a, b) => a - b),
    errCodes: sorted(sets.errCodes),
    components: sorted(sets.components),
    pids: sorted(sets.pids),
    targets: targets.map((t) => t.v).sort(),
    proxies: proxies.map((p) => p.v).sort(),
  };
}
