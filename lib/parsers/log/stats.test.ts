import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LogLineParser } from "./parse";
import { StatsAccumulator } from "./stats";
import type { StatsLine } from "./types";

/** A lab recording's log (real microgateway-core 3.3.7), from its 1-based line `from` on, as a rotated or cut log begins. */
function labLog(name: string, from = 1): Buffer {
  const dir = path.join(__dirname, "../../analysis/__fixtures__/lab", name);
  const file = readdirSync(dir).find((f) => f.endsWith(".log"))!;
  const lines = readFileSync(path.join(dir, file), "utf8").split("\n");
  return Buffer.from(lines.slice(from - 1).join("\n"));
}

/** The totals the parse thread stores for a log: every event line observed, every stats line added, in file order. */
function totalsOf(log: Buffer) {
  const p = new LogLineParser();
  const acc = new StatsAccumulator();
  const baselines: number[] = [];
  for (const it of [...p.push(log), ...p.end()]) {
    if (it.kind === "event") acc.observe(it);
    else if (it.kind === "stats" && acc.add(it).baseline) baselines.push(it.lineNo);
  }
  return { ...acc.totals(), baselines };
}

function statsLine(ts: string, pid: number, req: number, s2: number, s5: number, treq = 0): string {
  return `${ts} stats ${pid} treqErrors=${treq}, tresErrors=0, statusCodes={1=0, 2=${s2}, 3=0, 4=0, 5=${s5}}, requests=${req}, responses=${req}, connections=1, rss=1, cpu=[0]`;
}

describe("StatsAccumulator", () => {
  it("turns cumulative counters into deltas across restarts", () => {
    const text = [
      statsLine("2026-11-23T19:00:00.000Z", 100, 10, 8, 2),
      statsLine("2026-11-23T19:01:00.000Z", 100, 25, 20, 5, 1),
      // restart with a new pid: starts from zero
      statsLine("2026-11-23T19:02:00.000Z", 200, 4, 4, 0),
      // worker ids are reused: same pid, counter went down -> restart
      statsLine("2026-11-23T19:03:00.000Z", 200, 3, 2, 1),
      statsLine("2026-11-23T19:04:00.000Z", 200, 3, 2, 1),
    ].join("\n");
    const p = new LogLineParser();
    const lines = [...p.push(Buffer.from(text)), ...p.end()] as StatsLine[];
    expect(lines.every((l) => l.kind === "stats")).toBe(true);
    const acc = new StatsAccumulator();
    const d = lines.map((l) => acc.add(l));
    expect(d.map((x) => [x.pid, x.requests, x.s2, x.s5, x.treqErrors, x.restarted])).toEqual([
      ["100", 10, 8, 2, 0, true],
      ["100", 15, 12, 3, 1, false],
      ["200", 4, 4, 0, 0, true],
      ["200", 3, 2, 1, 0, true],
      ["200", 0, 0, 0, 0, false],
    ]);
    expect(d[1].ts).toBe(Date.parse("2026-11-23T19:01:00.000Z"));
    expect(acc.totals()).toEqual({
      requests: 32,
      responses: 32,
      treqErrors: 1,
      tresErrors: 0,
      s1: 0,
      s2: 26,
      s3: 0,
      s4: 0,
      s5: 6,
    });
  });

  it("interleaved workers are tracked separately", () => {
    const acc = new StatsAccumulator();
    const p = new LogLineParser();
    const lines = [
      ...p.push(
        Buffer.from(
          [
            statsLine("2026-11-23T19:00:00.000Z", 1, 5, 5, 0),
            statsLine("2026-11-23T19:00:00.000Z", 2, 7, 6, 1),
            statsLine("2026-11-23T19:01:00.000Z", 1, 6, 6, 0),
            statsLine("2026-11-23T19:01:00.000Z", 2, 9, 7, 2),
          ].join("\n"),
        ),
      ),
      ...p.end(),
    ] as StatsLine[];
    const d = lines.map((l) => acc.add(l));
    expect(d.map((x) => x.requests)).toEqual([5, 7, 1, 2]);
    expect(acc.totals().requests).toBe(15);
    expect(acc.totals().s5).toBe(2);
  });

  // Expected figures: the log's stats lines (`grep -n ' stats '`); a log that holds its process's start counts from
  // zero, so its totals are its last line's counters; one that begins after the start counts from its first stats line.
  it("a log holding its process's start counts from zero (info and error level)", () => {
    // mixed-causes line 806: treqErrors=44, 5=11, requests=169; race-1s-error-level line 20: treqErrors=8, 2=59.
    expect(totalsOf(labLog("mixed-causes"))).toMatchObject({ treqErrors: 44, s5: 11, requests: 169, baselines: [] });
    expect(totalsOf(labLog("race-1s-error-level"))).toMatchObject({ treqErrors: 8, s2: 59, baselines: [] });
  });

  it("a log that begins after its process started counts from its first stats line, not from zero", () => {
    // mixed-causes from line 199 (after its first stats line): the first kept one (line 379: treqErrors=19, 5=5,
    // requests=79) counts more than the kept lines show, so the totals run to line 806: 44 − 19, 11 − 5, 169 − 79.
    const info = totalsOf(labLog("mixed-causes", 199));
    expect(info).toMatchObject({ treqErrors: 25, s5: 6, requests: 90 });
    expect(info.baselines).toEqual([379 - 198]);
    // race-1s-error-level from line 8: no targetRequest lines at level error, but its error answers (treqErrors=5 at
    // line 12, two error lines kept before it) give it away: 8 − 5 and 59 − 31.
    const errors = totalsOf(labLog("race-1s-error-level", 8));
    expect(errors).toMatchObject({ treqErrors: 3, s2: 28 });
    expect(errors.baselines).toEqual([12 - 7]);
  });
});
