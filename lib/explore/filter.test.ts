import { describe, expect, it } from "vitest";
import { LineIndexWriter, readLineIndex, type LineIndex } from "@/lib/parsers/log/line-index";
import { LogLineParser } from "@/lib/parsers/log/parse";
import { matchedRows, matchRows, mergeByTime, resolveFilter, rowAtOrBefore } from "./filter";

function index(text: string): LineIndex {
  const p = new LogLineParser();
  const w = new LineIndexWriter({ sha256: "", size: text.length });
  for (const it of [...p.push(Buffer.from(text)), ...p.end()]) w.add(it);
  return readLineIndex(w.finish());
}

const ev = (ms: number, status: number, code: string, cid: string, host = "t:1") =>
  `2026-11-23T19:00:00.${String(ms).padStart(3, "0")}Z [error][${host}][7][o][e][p/x][ip][c][${cid}][core][m][GET][${status}][x][${code}][1]\n`;

describe("explorer filters", () => {
  const a = index(ev(1, 502, "ECONNRESET", "c1") + ev(5, 200, "", "c2") + "\n" + ev(9, 504, "ETIMEDOUT", "c3"));
  const b = index(ev(3, 502, "ECONNRESET", "c4", "u:2") + ev(7, 200, "", "c5"));

  it("resolves strings per file and scans the columns", () => {
    expect([...matchedRows(matchRows(a, resolveFilter(a, { status: "5xx" })!))]).toEqual([0, 2]);
    expect([...matchedRows(matchRows(a, resolveFilter(a, { errCode: "ECONNRESET" })!))]).toEqual([0]);
    expect(resolveFilter(a, { errCode: "EPIPE" })).toBeNull();
    expect([
      ...matchedRows(
        matchRows(
          a,
          resolveFilter(a, {
            from: Date.parse("2026-11-23T19:00:00.005Z"),
            to: Date.parse("2026-11-23T19:00:00.009Z"),
          })!,
        ),
      ),
    ]).toEqual([1]);
    // Transactions of a target: their correlation ids, or lines naming the target as host.
    expect([...matchedRows(matchRows(a, resolveFilter(a, { correlationIds: new Set(["c2"]) })!))]).toEqual([1]);
    expect([
      ...matchedRows(matchRows(b, resolveFilter(b, { correlationIds: new Set(["c9"]), hosts: new Set(["u:2"]) })!)),
    ]).toEqual([0]);
    expect(resolveFilter(b, { correlationIds: new Set(["c9"]), hosts: new Set(["z:9"]) })).toBeNull();
  });

  it("merges files by time, each file keeping its order", () => {
    const m = mergeByTime([a, b], [matchRows(a, {}), matchRows(b, {})]);
    const at = Array.from({ length: m.total }, (_, p) => [m.fileAt(p), m.rowAt(p)]);
    expect(at).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
    ]);
  });

  it("without a filter every row matches, and one file's candidates need no array", () => {
    const all = matchRows(a, resolveFilter(a, {})!);
    expect(all).toEqual({ all: 3 });
    expect([...matchedRows(all)]).toEqual([0, 1, 2]);
    const m = mergeByTime([a], [all]);
    expect(Array.from({ length: m.total }, (_, p) => [m.fileAt(p), m.rowAt(p)])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
    const some = mergeByTime([a], [matchRows(a, resolveFilter(a, { status: "5xx" })!)]);
    expect(Array.from({ length: some.total }, (_, p) => some.rowAt(p))).toEqual([0, 2]);
  });

  it("finds the indexed line at or before a physical line", () => {
    // a: lines 1, 2, (3 blank), 4
    expect(rowAtOrBefore(a, 3)).toBe(1);
    expect(rowAtOrBefore(a, 4)).toBe(2);
    expect(rowAtOrBefore(a, 0)).toBe(-1);
  });
});
