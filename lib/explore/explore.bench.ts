/**
 * The explorer on a 1M-line incident: ingest, then the time of typical queries (first/last page, filters, free text,
 * facets, context). Run: npx tsx --conditions=react-server lib/explore/explore.bench.ts
 */
import { Readable } from "node:stream";
import { openTestDb } from "@/lib/testing/test-db";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { startWorker } from "@/lib/jobs/worker";
import { queryLines, lineFacets } from "./query";
import { lineContext } from "./context";
import { bytesPerRow } from "@/lib/parsers/log/line-index";
import { lineIndexPath, loadedColumns, loadLineIndex } from "./line-index-file";
import { LineQuery } from "./schema";

const N = 1_000_000;
const MSGS = ["sourceRequest", "targetRequest", "targetResponse", "sourceResponse", "targetResponse close"];
const t0 = Date.UTC(2026, 10, 23);
const parts: string[] = [];
for (let i = 0; i < N; i++) {
  const tx = Math.floor(i / 5);
  const cid = `${((tx * 2654435761) >>> 0).toString(16).padStart(8, "0")}-${String(tx).padStart(4, "0").slice(-4)}-470c-9c2b-a8b70c7bfa67`;
  const bad = tx % 50 === 0 && i % 5 === 2;
  const ts = new Date(t0 + i * 3).toISOString();
  const host = i % 5 === 1 || i % 5 === 2 ? `10.0.0.${tx % 7}:8080` : "10.9.9.9:8000";
  parts.push(
    bad
      ? `${ts} [error][${host}][${3 + (tx % 4)}][acme][prod][emg_x/items/${tx}][10.1.1.1][key][${cid}][plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][4]`
      : `${ts} [info][${host}][${3 + (tx % 4)}][acme][prod][emg_x/items/${tx}][10.1.1.1][key][${cid}][plugins-middleware][${MSGS[i % 5]}][GET][200][][][12]`,
  );
}
const buf = Buffer.from(parts.join("\n") + "\n");
parts.length = 0;
const t = await openTestDb();
const store = blobStore(t.dataDir);
const put = await store.put(Readable.from([buf]));
const db = t.handle.prisma;
const s = performance.now();
const inc = await createIncident(db, store, [{ name: "edgemicro-big-api.log", sha256: put.sha256, size: put.size }]);
const w = startWorker({ db, dataDir: t.dataDir, concurrency: 1, pollMs: 50 });
await w.idle();
await w.stop();
console.log(
  `ingest ${((performance.now() - s) / 1000).toFixed(1)} s`,
  (await db.bundleFile.findFirst({ where: { incidentId: inc.id } }))?.status,
);
const file = await db.bundleFile.findFirstOrThrow({ where: { incidentId: inc.id } });
const MB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
// Columns in memory after each query, against what loading every column (the eager loader) held.
const loaded = async () => {
  const ix = (await loadLineIndex(lineIndexPath(t.dataDir, file.id)))!;
  const { names, bytes } = loadedColumns(ix);
  const strings = Object.values(ix.dicts).reduce((n, d) => n + d.length, 0);
  return `columns ${MB(bytes)} of ${MB(ix.meta.rows * bytesPerRow)} [${names.join(",")}], ${strings} dictionary strings`;
};
const time = async (label: string, f: () => Promise<unknown>) => {
  const a = performance.now();
  const r = await f();
  console.log(`${label}: ${(performance.now() - a).toFixed(0)} ms`, JSON.stringify(r).slice(0, 100), await loaded());
};
const q = (x: Record<string, unknown>) =>
  queryLines(db, store, inc.id, LineQuery.parse(x)).then((p) => ({
    c: p.candidates,
    n: p.lines.length,
    next: p.nextCursor,
    text: p.text,
  }));
await time("first page (cold load)", () => q({}));
await time("first page (warm)", () => q({}));
await time("last page", () => q({ cursor: "999950" }));
await time("errCode", () => q({ errCode: "ECONNRESET" }));
await time("level+time", () => q({ level: "info", from: String(t0 + 1_000_000), to: String(t0 + 1_100_000) }));
await time("target (via transactions)", () => q({ target: "10.0.0.3:8080" }));
await time("target again (cached)", () => q({ target: "10.0.0.3:8080", cursor: "100" }));
await time("free text hit rare", () => q({ q: "items/199950]" }));
await time("free text no hit", () => q({ q: "no such thing" }));
await time("facets", () => lineFacets(db, store, inc.id).then((f) => f.targets.length));
await time("context line 900000", () =>
  lineContext(db, store, inc.id, { file: file.id, line: 900000, around: 10 }).then((c) => c?.lines.length),
);
console.log(
  `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, array buffers ${MB(process.memoryUsage().arrayBuffers)}`,
);
await t.cleanup();
