import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { csvCell, csvRow, parseCsv } from "./csv";
import { attachment, titleSlug } from "./filename";

describe("csv", () => {
  it("quotes commas, quotes and line breaks (RFC 4180) and writes numbers as numbers", () => {
    expect(csvRow(["a,b", 'say "hi"', "x\ny", 1.5, null, -3])).toBe('"a,b","say ""hi""","x\ny",1.5,,-3\r\n');
  });
  it("prefixes cells a spreadsheet would run as formulas", () => {
    expect(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", "a=b"].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      "ok",
      "a=b",
    ]);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
  it("parses back what it writes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const safe = rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `x${c}` : c)));
          const text = safe.map((r) => csvRow(r)).join("");
          // A lone empty cell writes an empty line, which reads back as one empty cell.
          expect(parseCsv(text)).toEqual(safe);
        },
      ),
    );
  });
});

describe("file names", () => {
  it("slugs the incident title, falling back to the id", () => {
    expect(titleSlug("ACME prod: 502s / socket hang up", "inc_1")).toBe("acme-prod-502s-socket-hang-up");
    expect(titleSlug("Éte\u0301 — ünïcode", "inc_1")).toBe("ete-unicode");
    expect(titleSlug("///", "inc_1")).toBe("inc_1");
    expect(titleSlug("x".repeat(100), "i")).toHaveLength(60);
    expect(attachment('a "quoted" title', "inc_1", "report.md")).toBe(
      'attachment; filename="a-quoted-title-report.md"',
    );
  });
});
