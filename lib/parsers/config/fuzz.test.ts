/** Property-based fuzzing of the gateway config parser: arbitrary text, damaged real config, alias bombs. Never throws. */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { applyMutations, FUZZ_RUNS, mutationsArb } from "@/lib/testing/fuzz";
import { parseGatewayConfig, type ConfigParseResult } from ".";

const sample = readFileSync(path.join(SAMPLE_DIR, "acme-prod-config.yaml"));
const sampleLines = sample.toString("utf8").split("\n");

function check(text: string, r: ConfigParseResult): void {
  const lines = text.split("\n").length;
  if (r.ok) {
    expect(typeof r.config).toBe("object");
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.code.length).toBeGreaterThan(0);
    // Where: a line inside the text when the parser knows it.
    if (e.line !== null) expect(e.line >= 1 && e.line <= lines + 1, `${e.code} line ${e.line} of ${lines}`).toBe(true);
  }
}

const parse = (text: string) => {
  const r = parseGatewayConfig(text);
  check(text, r);
  return r;
};

describe("config parser fuzz", () => {
  it("arbitrary text: a result, never a throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => void parse(s)),
      FUZZ_RUNS,
    );
  });

  it("YAML-shaped text built from the real config's lines and YAML syntax", () => {
    const token = fc.oneof(
      fc.constantFrom(...sampleLines),
      fc.constantFrom(
        "&a",
        "*a",
        "<<: *a",
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        "!!binary",
        "!!str",
        "? ",
        "|",
        ">",
        "---",
        "...",
        "%YAML 1.2",
        "'",
        '"',
        "#",
        "\t",
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.array(token, { maxLength: 6 }).map((t) => t.join("")),
          { maxLength: 40 },
        ),
        (ls) => void parse(ls.join("\n")),
      ),
      FUZZ_RUNS,
    );
  });

  it("damaged copies of the real config", () => {
    fc.assert(
      fc.property(mutationsArb, (ms) => void parse(applyMutations(sample, ms).toString("utf8"))),
      FUZZ_RUNS,
    );
  });

  it("alias bombs of any width and depth are refused, never expanded", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 3, max: 12 }), (width, depth) => {
        const ls = ["edgemicro:", "  port: 8000", `a0: &a0 [${Array(width).fill("x").join(", ")}]`];
        for (let i = 1; i <= depth; i++)
          ls.push(
            `a${i}: &a${i} [${Array(width)
              .fill(`*a${i - 1}`)
              .join(", ")}]`,
          );
        const r = parse(ls.join("\n"));
        if (!r.ok && r.errors[0].code === "yaml-alias-limit") expect(r.errors[0].line).toBe(4); // the first `*a0`
      }),
      { ...FUZZ_RUNS, numRuns: 40 },
    );
  });
});
