/**
 * Cost of the line index on a 1M-line log: parse alone vs parse + LineIndexWriter (+ write to disk), and the
 * load + filter time of the explorer. Run: npx tsx lib/explore/line-index.bench.ts [lines=1000000]
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LogLineParser } from "@/lib/parsers/log/parse";
import { LineIndexWriter, readLineIndex } from "@/lib/parsers/log/line-index";
import { BlobReader, lineText } from "./blob-reader";
import { matchedRows, matchRows, resolveFilter } from "./filter";

const N = Number(process.argv[2] ?? 1_000_000);
const MSGS = ["sourceRequest", "targetRequest", "targetResponse", "sourceResponse", "targetResponse close"];
const t0 = Date.UTC(2026, 10, 23);
const parts: string[] = [];
for (let i = 0; i < N; i++) {
  const tx = Math.floor(i / 5);
  const cid = `${((tx * 2654435761) >>> 0).toString(16).padStart(8, "0")}-0193-470c-9c2b-a8b70c7bfa67`;
  const bad = tx % 50 === 0 && i % 5 === 2;
  const ts = new Date(t0 + i * 3).toISOString();
  parts.push(
    bad
      ? `${ts} [error][10.0.0.${tx % 7}:8080][${3 + (tx % 4)}][acme][prod][emg_x/items/${tx}][10.1.1.1][key][${cid}][plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][4]`
      : `${ts} [info][10.0.0.${tx % 7}:8080][${3 + (tx % 4)}][acme][prod][emg_x/items/${tx}][10.1.1.1][key][${cid}][plugins-middleware][${MSGS[i % 5]}][GET][200][][][12]`,
  );
}
const buf = Buffer.from(parts.join("\n") + "\n");
parts.length = 0;
const CHUNK = 1 << 20;

/** Returns [total ms, ms spent in the line index writer and its writes]. */
function run(withIndex: boolean, file?: string): [number, number] {
  const start = performance.now();
  let inIndex = 0;
  const p = new LogLineParser();
  const w = new LineIndexWriter({ sha256: "0".repeat(64), size: buf.length });
  const fd = file ? openSync(file, "w") : -1;
  const feed = (items: ReturnType<LogLineParser["push"]>) => {
    if (!withIndex) return;
    const t = performance.now();
    for (const it of items) {
      const b = w.add(it);
      if (b && fd >= 0) writeSync(fd, b);
    }
    inIndex += performance.now() - t;
  };
  for (let i = 0; i < buf.length; i += CHUNK) feed(p.push(buf.subarray(i, i + CHUNK)));
  feed(p.end());
  if (withIndex) {
    const t = performance.now();
    const b = w.finish();
    if (fd >= 0) writeSync(fd, b);
    inIndex += performance.now() - t;
  }
  if (fd >= 0) closeSync(fd);
  return [performance.now() - start, inIndex];
}

const dir = mkdtempSync(path.join(os.tmpdir(), "lidx-"));
const file = path.join(dir, "x.lines");
run(false); // warm-up
const parse = Math.min(run(false)[0], run(false)[0]);
const runs = [run(true, file), run(true, file), run(true, file)].sort((a, b) => a[1] - b[1]);
const [withIdx, idxOnly] = runs[0];
const rssMb = process.memoryUsage().rss / 2 ** 20;
const bytes = readFileSync(file);
let t = performance.now();
const ix = readLineIndex(bytes);
const load = performance.now() - t;
t = performance.now();
const rows = matchedRows(matchRows(ix, resolveFilter(ix, { errCode: "ECONNRESET", level: "error" })!));
const filter = performance.now() - t;
console.log(`${N} lines, ${(buf.length / 2 ** 20).toFixed(0)} MB of log`);
console.log(`parse alone:               ${(parse / 1000).toFixed(2)} s`);
console.log(
  `parse + line index + write: ${(withIdx / 1000).toFixed(2)} s, of which the line index writer and its writes: ${(idxOnly / 1000).toFixed(2)} s (best of 3)`,
);
console.log(
  `index file:                ${(bytes.length / 2 ** 20).toFixed(1)} MB (${(bytes.length / N).toFixed(1)} bytes/line)`,
);
console.log(
  `load into typed arrays:    ${load.toFixed(0)} ms; filter errCode+level: ${filter.toFixed(0)} ms (${rows.length} rows)`,
);
console.log(`rss after: ${rssMb.toFixed(0)} MB`);

// Free text: the explorer scans at most 200,000 candidate lines per page, reading them from the log by offset.
const logFile = path.join(dir, "x.log");
const lf = openSync(logFile, "w");
writeSync(lf, buf);
closeSync(lf);
const reader = new BlobReader(logFile);
t = performance.now();
let _hits = 0;
for (let r = 0; r < Math.min(200_000, ix.meta.rows); r++) {
  if (
    lineText(await reader.read(ix.cols.offset[r], ix.cols.length[r]))
      .toLowerCase()
      .includes("no such text")
  )
    _hits++;
}
await reader.close();
console.log(`free text, 200,000 lines scanned without a hit: ${(performance.now() - t).toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
