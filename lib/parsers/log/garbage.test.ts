/**
 * Lines that are not the gateway's are malformed; stack traces the gateway writes are not (docs/formats.md §1a).
 *
 * fixtures/race-1s-with-garbage.log is the real lab recording lib/analysis/__fixtures__/lab/race-1s (368 lines)
 * with, inserted: after each of its 17 `targetRequest error` lines a real Node 20 stack of "socket hang up"
 * (as `stack_trace: true` writes it: 3 times `err.stack`, 5 lines; 14 times `util.inspect(err)`, 7 lines), and
 * 41 garbage lines (other programs' log lines, a shell prompt, HTML, JSON, a broken event fragment, an unindented
 * `at ...`), each ending in ` #N` so that grep can count them apart from everything else.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { LogLineParser } from "./parse";
import type { EventLine, LogItem, MalformedLine } from "./types";

function parseAll(buf: Buffer): LogItem[] {
  const p = new LogLineParser();
  return p.push(buf).concat(p.end());
}

const LAB = path.resolve(import.meta.dirname, "../../analysis/__fixtures__/lab");
const FIXTURE = path.join(import.meta.dirname, "fixtures/race-1s-with-garbage.log");

describe("garbage inside a real log", () => {
  const buf = readFileSync(FIXTURE);
  const items = parseAll(buf);
  const bad = items.filter((i): i is MalformedLine => i.kind === "malformed");

  it("counts every garbage line as malformed, with its line number, and nothing else", () => {
    // grep -c ' #[0-9]*$' FIXTURE -> 41
    expect(bad).toHaveLength(41);
    // grep -n ' #[0-9]*$' FIXTURE | cut -d: -f1 -> the same line numbers (read here from the raw text, not the parser)
    const expected = buf
      .toString("utf8")
      .split("\n")
      .flatMap((l, i) => (/ #\d+$/.test(l) ? [i + 1] : []));
    expect(bad.map((b) => b.lineNo)).toEqual(expected);
    expect(new Set(bad.map((b) => b.reason))).toEqual(new Set(["no timestamp"]));
    expect(bad[0].excerpt.startsWith("Dec  1 10:50:47 vm kernel:")).toBe(true);
  });

  it("keeps the gateway's own lines and attaches the stack traces", () => {
    // grep -c '^[0-9T:.Z-]* \[' FIXTURE -> 363 (event lines); grep -c '^[0-9T:.Z-]* stats ' FIXTURE -> 4; 368 - 363 - 4 = 1 record
    expect(items.filter((i) => i.kind === "event")).toHaveLength(363);
    expect(items.filter((i) => i.kind === "stats")).toHaveLength(4);
    expect(items.filter((i) => i.kind === "record")).toHaveLength(1);
    // grep -c '' FIXTURE -> 522 = 363 + 4 + 1 + 41 + 113 stack lines (grep -cE '^(Error: |    at |  code: |\}$)' -> 113)
    expect(items).toHaveLength(363 + 4 + 1 + 41);
    const traced = items.filter((i): i is EventLine => i.kind === "event" && i.stack !== null);
    // grep -c 'targetRequest error' FIXTURE -> 17
    expect(traced).toHaveLength(17);
    expect(
      traced.every(
        (e) =>
          e.message === "targetRequest error" &&
          e.stack!.startsWith("Error: socket hang up\n    at Socket.socketOnEnd"),
      ),
    ).toBe(true);
    expect(traced[16].stack!.endsWith("{\n  code: 'ECONNRESET'\n}")).toBe(true);
  });

  it("gives each garbage line its own bytes, so the explorer can show and search it", () => {
    for (const b of bad) {
      const text = buf.toString("utf8", b.offset, b.offset + b.length).replace(/\n$/, "");
      expect(text).toMatch(/ #\d+$/);
      expect(text.startsWith(b.excerpt.slice(0, 40))).toBe(true);
    }
  });
});

describe("continuation lines", () => {
  const TS = "2026-12-01T10:50:47.183Z";
  const EV = `${TS} [error][127.0.0.2:9000][22959][lab][test][orders/stock?n=2][127.0.0.1][lab-client][d1a92c50-3a21-43fb-8fd6-8d6b2d7578d1][plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][]`;
  const REC = `${TS} error 22959 failed name=Error, message=socket hang up, code=ECONNRESET, stack=Error: socket hang up`;
  const STATS = `${TS} stats 22959 treqErrors=0, tresErrors=1, statusCodes={1=0, 2=1, 3=0, 4=0, 5=1}, requests=2, responses=2, connections=1`;
  const kinds = (s: string) =>
    parseAll(Buffer.from(s)).map((i) => (i.kind === "malformed" ? `malformed:${i.lineNo}` : i.kind));

  it("a record's `stack=` value continues over the next lines (plain records with stack_trace: true)", () => {
    expect(
      kinds(`${REC}\n    at Socket.socketOnEnd (node:_http_client:528:25), component=microgateway\n${STATS}\n`),
    ).toEqual(["record", "stats"]);
  });

  it("error headers with a code, a bare Error, and an inspected error's closing brace continue a trace", () => {
    expect(
      kinds(
        `${EV}\nError [ERR_STREAM_PREMATURE_CLOSE]: Premature close\n    at x\n${EV}\nError\n    at y {\n  code: 'ECONNRESET'\n}\n`,
      ),
    ).toEqual(["event", "event"]);
  });

  it("a garbage line ends the trace: a frame after it is malformed too", () => {
    expect(kinds(`${EV}\n    at a\nnot a frame\n    at b\n`)).toEqual(["event", "malformed:3", "malformed:4"]);
  });

  it("stats lines have no continuation", () => {
    expect(kinds(`${STATS}\nError: socket hang up\n`)).toEqual(["stats", "malformed:2"]);
  });
});

describe("real gateway logs have no malformed lines", () => {
  const logs = [
    ...readdirSync(SAMPLE_DIR)
      .filter((f) => f.endsWith(".log"))
      .map((f) => path.join(SAMPLE_DIR, f)),
    ...readdirSync(LAB).flatMap((d) =>
      readdirSync(path.join(LAB, d))
        .filter((f) => f.endsWith(".log"))
        .map((f) => path.join(LAB, d, f)),
    ),
  ];

  it.each(logs.map((f) => [path.relative(path.resolve(LAB, "../../../.."), f), f]))("%s", (_name, file) => {
    const items = parseAll(readFileSync(file));
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.kind === "malformed")).toEqual([]);
  });

  it("covers the sample and every lab recording", () => {
    const recordings = readdirSync(LAB, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(recordings.length).toBeGreaterThanOrEqual(17);
    // one log each, but two in gateway-process-restart (a new process writes a new file)
    const covered = new Set(logs.map((f) => path.basename(path.dirname(f))));
    expect(recordings.filter((d) => !covered.has(d))).toEqual([]);
    expect(logs).toHaveLength(recordings.length + 2);
  });
});
