import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { LogLineParser } from "./parse";
import {
  BLOCK_ROWS,
  DICT_GENERATION,
  FLAG_NO_TS,
  FLAG_STACK,
  KINDS,
  LineIndexFormatError,
  LineIndexWriter,
  readLineIndex,
  type LineIndex,
} from "./line-index";
import { matchedRows, matchRows, resolveFilter } from "@/lib/explore/filter";

const LOG = path.join(
  SAMPLE_DIR,
  readdirSync(SAMPLE_DIR).find((f) => f.endsWith("-api.log"))!,
);

function indexOf(bytes: Buffer, chunk = 1000, out: Uint8Array[] = []) {
  const p = new LogLineParser();
  const w = new LineIndexWriter({ sha256: "x".repeat(64), size: bytes.length });
  const feed = (items: ReturnType<LogLineParser["push"]>) => {
    for (const it of items) {
      const b = w.add(it);
      if (b) out.push(b);
    }
  };
  for (let i = 0; i < bytes.length; i += chunk) feed(p.push(bytes.subarray(i, i + chunk)));
  feed(p.end());
  out.push(w.finish());
  return readLineIndex(Buffer.concat(out));
}

const countWhere = (n: number, f: (i: number) => boolean) => {
  let c = 0;
  for (let i = 0; i < n; i++) if (f(i)) c++;
  return c;
};

describe("line index of the sample log", () => {
  const bytes = readFileSync(LOG);
  const idx = indexOf(bytes);
  const { cols, dicts, meta } = idx;
  const lines = bytes.toString("utf8").split("\n");

  it("has one row per line with its file position", () => {
    // wc -l → 123 lines, none blank (grep -c '^$' → 0)
    expect(meta.rows).toBe(123);
    expect(meta.blobSize).toBe(bytes.length);
    for (let i = 0; i < meta.rows; i++) {
      // The bytes at offset/length are exactly `sed -n '<lineNo>p'` of the file.
      const raw = bytes.subarray(cols.offset[i], cols.offset[i] + cols.length[i]).toString("utf8");
      expect(raw).toBe(`${lines[cols.lineNo[i] - 1]}\n`);
    }
    expect(cols.lineNo[0]).toBe(1);
    expect(cols.lineNo[122]).toBe(123);
  });

  it("counts levels, error codes and statuses as grep does", () => {
    const lv = (name: string) => dicts.level.indexOf(name);
    // grep -c '^2026-.*Z \[info\]'  → 116
    expect(countWhere(meta.rows, (i) => cols.level[i] === lv("info") && cols.kind[i] === KINDS.indexOf("event"))).toBe(
      116,
    );
    // grep -c '^2026-.*Z \[error\]' → 6
    expect(countWhere(meta.rows, (i) => cols.level[i] === lv("error"))).toBe(6);
    // grep -c '^[0-9-]*T[0-9:.]*Z [a-z]* [0-9]' → 1 plain record line (the "listening" line)
    expect(countWhere(meta.rows, (i) => cols.kind[i] === KINDS.indexOf("record"))).toBe(1);
    // grep -c '\]\[ECONNRESET\]\[' → 6
    expect(countWhere(meta.rows, (i) => cols.errCode[i] === dicts.errCode.indexOf("ECONNRESET"))).toBe(6);
    // grep -c '\]\[502\]\[' → 3
    expect(countWhere(meta.rows, (i) => cols.status[i] === 502)).toBe(3);
    // grep -c '14a95568-eac9-4826-8972-95527389bce5' → 4 lines of that transaction
    expect(
      countWhere(meta.rows, (i) => cols.corr[i] === dicts.corr.indexOf("14a95568-eac9-4826-8972-95527389bce5")),
    ).toBe(4);
    // grep -c '\[127.0.0.1:28081\]' → 72 target-side lines
    expect(countWhere(meta.rows, (i) => cols.host[i] === dicts.host.indexOf("127.0.0.1:28081"))).toBe(72);
    expect(dicts.pid).toEqual(["", "7600"]);
    expect(meta.firstTs).toBe(Date.parse("2026-11-23T19:33:55.775Z"));
  });

  it("keeps the same answer whatever the chunking", () => {
    const again = indexOf(bytes, 7);
    expect(Buffer.from(again.cols.offset.buffer)).toEqual(Buffer.from(cols.offset.buffer));
    expect(again.dicts.corr).toEqual(dicts.corr);
  });
});

describe("line index across blocks", () => {
  it("round-trips more than one block, stack traces and malformed lines", () => {
    const n = BLOCK_ROWS + 1234;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const ts = new Date(Date.UTC(2026, 10, 23) + i).toISOString();
      parts.push(
        `${ts} [error][t:80][${i % 3}][o][e][p/x][ip][c][cid-${i % 1000}][core][targetRequest error][GET][${i % 2 ? 502 : 200}][m][E${i % 5}][1]`,
      );
      if (i === 5) parts.push("    at Socket.foo (net.js:1:1)");
      if (i === 9) parts.push("2026-99-99 not a real date");
    }
    const bytes = Buffer.from(parts.join("\n") + "\n");
    const { cols, dicts, meta } = indexOf(bytes, 1 << 16);
    expect(meta.rows).toBe(n + 1); // the stack line belongs to its event, the garbage line is its own row
    expect(cols.flags[5] & FLAG_STACK).toBe(FLAG_STACK);
    expect(cols.lineNo[6]).toBe(8);
    expect(cols.kind[10]).toBe(KINDS.indexOf("malformed"));
    expect(cols.flags[10] & FLAG_NO_TS).toBe(FLAG_NO_TS);
    expect(cols.ts[10]).toBe(cols.ts[9]);
    expect(countWhere(meta.rows, (i) => cols.status[i] === 502)).toBe(Math.floor(n / 2));
    expect(dicts.corr).toHaveLength(1001);
    expect(cols.lineNo[meta.rows - 1]).toBe(n + 2);
    const last = meta.rows - 1;
    expect(cols.offset[last] + cols.length[last]).toBe(bytes.length);
  });

  it("rejects a truncated file", () => {
    const w = new LineIndexWriter({ sha256: "x".repeat(64), size: 0 });
    const b = w.finish();
    expect(readLineIndex(b).meta.rows).toBe(0);
    expect(() => readLineIndex(b.subarray(0, b.length - 3))).toThrow(LineIndexFormatError);
  });
});

/** The strings of a dictionary column, row by row (ids differ between files; strings must not). */
const strings = (ix: LineIndex, col: "corr" | "level" | "host" | "errCode") =>
  Array.from(ix.cols[col], (id) => ix.dicts[col][id]);

describe("line index versions", () => {
  it("reads a version 1 file (whole dictionaries in the trailer) as the same lines as version 2", () => {
    // Written from the sample log by the version 1 writer (git show 6ea5ae8:lib/parsers/log/line-index.ts).
    const v1 = readLineIndex(readFileSync(path.join(import.meta.dirname, "fixtures/sample-api-log.v1.lines")));
    const v2 = indexOf(readFileSync(LOG));
    expect(v1.meta.version).toBe(1);
    expect(v2.meta.version).toBe(2);
    expect(v1.meta.rows).toBe(v2.meta.rows);
    expect(Buffer.from(v1.cols.offset.buffer)).toEqual(Buffer.from(v2.cols.offset.buffer));
    for (const col of ["corr", "level", "host", "errCode"] as const) expect(strings(v1, col)).toEqual(strings(v2, col));
  });
});

describe("line index dictionaries of a file with many correlation ids", () => {
  // Every transaction has its own id; after two generations of new ids the first one comes back.
  const ids = DICT_GENERATION * 2 + 10;
  const line = (i: number, cid: string) =>
    `${new Date(Date.UTC(2026, 10, 23) + i).toISOString()} [info][t:80][1][o][e][p/x][ip][c][${cid}][core][targetRequest][GET][200][][][1]`;
  const parts: string[] = [];
  for (let i = 0; i < ids; i++) parts.push(line(i, `cid-${i}`));
  parts.push(line(ids, "cid-0"), line(ids + 1, "cid-1"));
  const bytes = Buffer.from(parts.join("\n") + "\n");
  const out: Uint8Array[] = [];
  const ix = indexOf(bytes, 1 << 16, out);

  it("writes new strings out as it goes instead of holding them until the end", () => {
    // One full block of rows came out before finish; every other piece is a dictionary block on its own.
    const fullRowBlocks = Math.floor((ids + 2) / BLOCK_ROWS);
    expect(fullRowBlocks).toBe(1);
    expect(out.length - 1).toBeGreaterThan(fullRowBlocks + 2);
  });

  it("gives every row its own id string back, also for an id met again after it left the recent dictionary", () => {
    expect(ix.meta.rows).toBe(ids + 2);
    const cids = strings(ix, "corr");
    for (let i = 0; i < ids; i += 997) expect(cids[i]).toBe(`cid-${i}`);
    expect(cids[ids]).toBe("cid-0");
    expect(cids[ids + 1]).toBe("cid-1");
    // The first id was forgotten by the writer: it holds two ids now, and lookups by string find both rows.
    expect(ix.dicts.corr.filter((c) => c === "cid-0")).toHaveLength(2);
    expect([...matchedRows(matchRows(ix, resolveFilter(ix, { correlationId: "cid-0" })!))]).toEqual([0, ids]);
    expect([
      ...matchedRows(matchRows(ix, resolveFilter(ix, { correlationIds: new Set(["cid-1", "cid-7"]) })!)),
    ]).toEqual([1, 7, ids + 1]);
  });
});
