import "server-only";
/**
 * The log explorer's read side: every parsed line of an incident, from the per-file line indexes
 * (filters run over typed arrays) and the stored, redacted log blobs (only the shown page is read).
 */
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { KINDS, type LineIndex } from "@/lib/parsers/log/line-index";
import { BlobReader, lineText } from "./blob-reader";
import { maskLine } from "./mask";
import { matchRows, mergeByTime, resolveFilter, type Merged, type StringFilter } from "./filter";
import { dataDirOf, lineIndexPath, loadLineIndex } from "./line-index-file";
import type { ExploreLine, LineFacets, LinePage, LineQuery } from "./schema";

/** Free text: stop a page after scanning this many candidate lines (the page says how far it got). */
const TEXT_SCAN_LINES = 500_000;

export interface IndexedFile {
  id: string;
  name: string;
  index: LineIndex | null;
}

/** The incident's parsed log files, in upload order, with their line indexes loaded (cached). */
export async function indexedLogFiles(db: Db, store: BlobStore, incidentId: string): Promise<IndexedFile[]> {
  const files = await db.bundleFile.findMany({
    where: { incidentId, kind: "gateway-log", status: "done" },
    orderBy: { createdAt: "asc" },
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
  const f: StringFilter = { level: q.level, kind: q.kind, status: q.status, errCode: q.errCode, component: q.component, pid: q.pid, correlationId: q.correlationId, from: q.from, to: q.to };
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

const mergedCache = new Map<string, Merged>();

async function candidates(db: Db, incidentId: string, files: IndexedFile[], q: LineQuery): Promise<{ ixs: LineIndex[]; names: IndexedFile[]; merged: Merged }> {
  const usable = files.filter((f) => f.index && (!q.file || f.id === q.file));
  const { cursor: _c, limit: _l, q: _q, ...filters } = q;
  const key = JSON.stringify([incidentId, usable.map((f) => [f.id, f.index!.meta.rows, f.index!.meta.blobSha256]), filters]);
  const ixs = usable.map((f) => f.index!);
  const hit = mergedCache.get(key);
  if (hit) return { ixs, names: usable, merged: hit };
  const sf = await stringFilter(db, incidentId, q);
  const rows = ixs.map((ix) => {
    const rf = resolveFilter(ix, sf);
    return rf ? matchRows(ix, rf) : new Uint32Array(0);
  });
  const merged = mergeByTime(ixs, rows);
  mergedCache.set(key, merged);
  if (mergedCache.size > 8) mergedCache.delete(mergedCache.keys().next().value!);
  return { ixs, names: usable, merged };
}

function describe(f: IndexedFile, ix: LineIndex, r: number, raw: Buffer, mask: boolean): ExploreLine {
  const c = ix.cols;
  const len = c.length[r];
  const kind = KINDS[c.kind[r]];
  return {
    fileId: f.id,
    file: f.name,
    lineNo: c.lineNo[r],
    ts: kind === "malformed" || Number.isNaN(c.ts[r]) ? null : c.ts[r],
    kind,
    level: ix.dicts.level[c.level[r]],
    status: c.status[r] || null,
    errCode: ix.dicts.errCode[c.errCode[r]],
    correlationId: ix.dicts.corr[c.corr[r]],
    text: mask && kind === "event" ? maskLine(lineText(raw), ix.dicts.corr[c.corr[r]]) : lineText(raw),
    bytes: len,
    truncated: raw.length < len,
  };
}

export interface ViewOptions {
  /** A shared (read-only) view: client ids masked. */
  maskClientIds?: boolean;
}

export async function queryLines(db: Db, store: BlobStore, incidentId: string, q: LineQuery, opts: ViewOptions = {}): Promise<LinePage> {
  const mask = opts.maskClientIds === true;
  const files = await indexedLogFiles(db, store, incidentId);
  const { ixs, names, merged } = await candidates(db, incidentId, files, q);
  const total = merged.row.length;
  const readers = ixs.map((ix) => new BlobReader(store.pathOf(ix.meta.blobSha256)));
  const lines: ExploreLine[] = [];
  let pos = Math.min(q.cursor, total);
  try {
    if (!q.q) {
      for (; pos < total && lines.length < q.limit; pos++) {
        const fi = merged.file[pos];
        const r = merged.row[pos];
        const ix = ixs[fi];
        lines.push(describe(names[fi], ix, r, await readers[fi].read(ix.cols.offset[r], ix.cols.length[r]), mask));
      }
    } else {
      const needle = q.q.toLowerCase();
      const stop = Math.min(total, pos + TEXT_SCAN_LINES);
      for (; pos < stop && lines.length < q.limit; pos++) {
        const fi = merged.file[pos];
        const r = merged.row[pos];
        const ix = ixs[fi];
        const raw = await readers[fi].read(ix.cols.offset[r], ix.cols.length[r]);
        // A shared view searches what it shows: a masked client id cannot be found by guessing it.
        const text = lineText(raw);
        const shown = mask && ix.cols.kind[r] === 0 ? maskLine(text, ix.dicts.corr[ix.cols.corr[r]]) : text;
        if (shown.toLowerCase().includes(needle)) lines.push(describe(names[fi], ix, r, raw, mask));
      }
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

const facetCache = new WeakMap<LineIndex, { statuses: Set<number>; kinds: Set<string> }>();

/** Values the explorer's filters can take, from the indexes' dictionaries and the transactions. */
export async function lineFacets(db: Db, store: BlobStore, incidentId: string): Promise<LineFacets> {
  const files = await indexedLogFiles(db, store, incidentId);
  const sets = { levels: new Set<string>(), kinds: new Set<string>(), statuses: new Set<number>(), errCodes: new Set<string>(), components: new Set<string>(), pids: new Set<string>() };
  for (const { index: ix } of files) {
    if (!ix) continue;
    let seen = facetCache.get(ix);
    if (!seen) {
      seen = { statuses: new Set(), kinds: new Set() };
      for (let i = 0; i < ix.meta.rows; i++) {
        if (ix.cols.status[i]) seen.statuses.add(ix.cols.status[i]);
        seen.kinds.add(KINDS[ix.cols.kind[i]]);
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
    db.$queryRaw<Array<{ v: string }>>`SELECT DISTINCT target v FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND target IS NOT NULL`,
    db.$queryRaw<Array<{ v: string }>>`SELECT DISTINCT proxy v FROM "LogTransaction" WHERE "incidentId" = ${incidentId} AND proxy IS NOT NULL`,
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
