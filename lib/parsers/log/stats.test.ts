import { describe, expect, it } from "vitest";
import { LogLineParser } from "./parse";
import { StatsAccumulator } from "./stats";
import type { StatsLine } from "./types";

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
});
