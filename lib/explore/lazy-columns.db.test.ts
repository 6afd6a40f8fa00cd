import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { openForFile } from "@/lib/testing/test-db";
import { openSampleLog } from "@/lib/testing/worker";
import { KINDS, readLineIndex, type LineIndex } from "@/lib/parsers/log/line-index";
import { lineContext } from "./context";
import { matchedRows, matchRows, resolveFilter, type StringFilter } from "./filter";
import { lineIndexPath, loadedColumns, loadLineIndex } from "./line-index-file";
import { lineFacets, queryLines } from "./query";
import { LineQuery } from "./schema";

/* The explorer loads a column of a line index when a query first needs it; the sample incident's log shows which. */
const sample = openForFile(openSampleLog);
let indexFile: string;
/** What the explorer loaded before: every column of the file. */
let eager: LineIndex;
beforeAll(() => {
  indexFile = lineIndexPath(sample.t.dataDir, sample.log.id);
  eager = readLineIndex(readFileSync(indexFile));
});

const lines = (q: Record<string, unknown>) =>
  queryLines(sample.t.handle.prisma, sample.store, sample.incidentId, LineQuery.parse(q));
const loaded = async () => loadedColumns((await loadLineIndex(indexFile))!).names;

/** The page the eager index gives for a filter: its rows' values, as the explorer shows them. */
function eagerPage(f: StringFilter, limit: number) {
  const c = eager.cols;
  const rows = [...matchedRows(matchRows(eager, resolveFilter(eager, f)!))];
  return {
    candidates: rows.length,
    lines: rows.slice(0, limit).map((r) => ({
      lineNo: c.lineNo[r],
      ts: KINDS[c.kind[r]] === "malformed" ? null : c.ts[r],
      kind: KINDS[c.kind[r]],
      level: eager.dicts.level[c.level[r]],
      status: c.status[r] || null,
      errCode: eager.dicts.errCode[c.errCode[r]],
      correlationId: eager.dicts.corr[c.corr[r]],
      bytes: c.length[r],
    })),
  };
}

const shown = (p: Awaited<ReturnType<typeof lines>>) => ({
  candidates: p.candidates,
  lines: p.lines.map(({ lineNo, ts, kind, level, status, errCode, correlationId, bytes }) => ({
    lineNo,
    ts,
    kind,
    level,
    status,
    errCode,
    correlationId,
    bytes,
  })),
});

describe("line index columns loaded on demand", () => {
  it("shows the first page without loading any column", async () => {
    const page = await lines({});
    expect(shown(page)).toEqual(eagerPage({}, 100));
    expect(await loaded()).toEqual([]);
  });

  it("loads only the level column for a level filter", async () => {
    expect(shown(await lines({ level: "error" }))).toEqual(eagerPage({ level: "error" }, 100));
    expect(await loaded()).toEqual(["level"]);
  });

  it("adds the columns of each further filter, the facets and the context, and nothing else", async () => {
    expect(shown(await lines({ errCode: "ECONNRESET", cursor: "2", limit: "3" })).lines).toEqual(
      eagerPage({ errCode: "ECONNRESET" }, 5).lines.slice(2),
    );
    expect(await loaded()).toEqual(["errCode", "level"]);
    const from = Date.parse("2026-11-23T19:34:10Z");
    const to = Date.parse("2026-11-23T19:34:20Z");
    expect(shown(await lines({ from: "2026-11-23T19:34:10Z", to: "2026-11-23T19:34:20Z" }))).toEqual(
      eagerPage({ from, to }, 100),
    );
    expect(await loaded()).toEqual(["ts", "errCode", "level"]);
    await lineFacets(sample.t.handle.prisma, sample.store, sample.incidentId);
    expect(await loaded()).toEqual(["ts", "errCode", "level", "status", "kind"]);
    await lineContext(sample.t.handle.prisma, sample.store, sample.incidentId, {
      file: sample.log.id,
      line: 60,
      around: 3,
    });
    expect(await loaded()).toEqual(["ts", "lineNo", "errCode", "level", "status", "kind"]);
  });

  it("loads offsets and lengths for free text, and finds what the eager index finds", async () => {
    const page = await lines({ q: "SOCKET HANG", limit: "500" });
    const blob = readFileSync(sample.store.pathOf(eager.meta.blobSha256));
    // Without a filter the candidates are the file's rows in order: line i is row i.
    const hits = eagerPage({}, 500).lines.filter((l, r) =>
      blob
        .toString("utf8", eager.cols.offset[r], eager.cols.offset[r] + l.bytes)
        .toLowerCase()
        .includes("socket hang"),
    );
    expect(hits).toHaveLength(6);
    expect(shown(page).lines).toEqual(hits);
    expect(await loaded()).toEqual(["offset", "ts", "length", "lineNo", "errCode", "level", "status", "kind"]);
  });
});
