import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { LogLineParser } from "@/lib/parsers/log/parse";
import { BLOCK_ROWS, COLUMN_NAMES, LineIndexWriter, readLineIndex } from "@/lib/parsers/log/line-index";
import { ensureColumns, loadedColumns, loadLineIndex, readRowValues } from "./line-index-file";

const LOG = readFileSync(
  path.join(
    SAMPLE_DIR,
    readdirSync(SAMPLE_DIR).find((f) => f.endsWith("-api.log"))!,
  ),
);
const dir = mkdtempSync(path.join(tmpdir(), "lazy-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The index bytes of `text`, as the parse writes them. */
function indexBytes(text: Buffer): Buffer {
  const p = new LogLineParser();
  const w = new LineIndexWriter({ sha256: "x".repeat(64), size: text.length });
  const out: Uint8Array[] = [];
  for (const it of [...p.push(text), ...p.end()]) {
    const b = w.add(it);
    if (b) out.push(b);
  }
  out.push(w.finish());
  return Buffer.concat(out);
}

/** Loads `bytes` lazily from a file and checks every column, whole and by row, against the eager reader. */
async function expectSameAsEager(name: string, bytes: Buffer, rows: number[]) {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const eager = readLineIndex(bytes);
  const ix = (await loadLineIndex(file))!;
  expect(ix.meta).toEqual(eager.meta);
  expect(ix.dicts).toEqual(eager.dicts);
  expect(loadedColumns(ix)).toEqual({ names: [], bytes: 0 });
  const vals = await readRowValues(ix, COLUMN_NAMES, rows);
  // Still nothing loaded: a page's values come from positioned reads.
  expect(loadedColumns(ix).names).toEqual([]);
  for (const c of COLUMN_NAMES) expect(vals.map((v) => v[c])).toEqual(rows.map((r) => eager.cols[c][r]));
  await Promise.all([ensureColumns(ix, ["level", "ts"]), ensureColumns(ix, ["ts"])]);
  expect(loadedColumns(ix)).toEqual({ names: ["ts", "level"], bytes: eager.meta.rows * 12 });
  await ensureColumns(ix, COLUMN_NAMES);
  const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const c of COLUMN_NAMES) expect(bytesOf(ix.cols[c]!).equals(bytesOf(eager.cols[c]))).toBe(true);
}

describe("lazily loaded line index", () => {
  it("reads a version 1 file's columns and rows as the eager reader does", async () => {
    const v1 = readFileSync(path.join(import.meta.dirname, "../parsers/log/fixtures/sample-api-log.v1.lines"));
    await expectSameAsEager("v1.lines", v1, [0, 1, 2, 60, 61, 122, 5, 3]);
  });

  it("finds rows in every block of a file of several blocks", async () => {
    // The sample log 1,300 times: 159,900 rows in three blocks.
    const big = Buffer.concat(Array.from({ length: 1300 }, () => LOG));
    const rows = [
      0,
      1,
      BLOCK_ROWS - 1,
      BLOCK_ROWS,
      BLOCK_ROWS + 1,
      2 * BLOCK_ROWS - 2,
      2 * BLOCK_ROWS,
      159_899,
      70_000,
      12,
    ];
    // A page that crosses a block boundary, read in runs.
    for (let r = BLOCK_ROWS - 30; r < BLOCK_ROWS + 30; r++) rows.push(r);
    await expectSameAsEager("big.lines", indexBytes(big), rows);
  });
});
