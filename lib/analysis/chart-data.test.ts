import { describe, expect, it } from "vitest";
import { IDLE_GAP_FINE, failuresByPath, idleGapHistogram, restartMarkers, timelineChartData } from "./chart-data";

/** The fine bin the aggregate query puts a gap of `ms` in. */
const bin = (ms: number) => Math.floor(Math.log(ms + 1) * IDLE_GAP_FINE);

describe("idleGapHistogram", () => {
  it("keeps a narrow range linear and puts every gap in the bar that holds it", () => {
    const h = idleGapHistogram(
      "t",
      [
        { bin: bin(990), classCode: "normal", n: 5 },
        { bin: bin(1010), classCode: "keepalive-race", n: 3 },
      ],
      [{ name: "timer", ms: 1000 }],
    );
    expect(h.scale).toBe("linear");
    expect(h.total).toBe(8);
    expect(h.bars.reduce((a, b) => a + b.n, 0)).toBe(8);
    expect(h.bars.reduce((a, b) => a + b.race, 0)).toBe(3);
    const timerBar = h.bars.find((b) => b.label === h.marks[0].bar)!;
    expect(timerBar.fromMs).toBeLessThanOrEqual(1000);
    expect(timerBar.toMs).toBeGreaterThan(1000);
  });

  it("switches to a log axis when the gaps or the marks span more than a factor of 20, and widens the range to show the marks", () => {
    const h = idleGapHistogram(
      "t",
      [{ bin: bin(1000), classCode: "normal", n: 9 }],
      [
        { name: "gateway", ms: 30_000 },
        { name: "none", ms: null },
      ],
    );
    expect(h.scale).toBe("log");
    expect(h.marks.map((m) => m.name)).toEqual(["gateway"]);
    expect(h.bars[h.bars.length - 1].toMs).toBeGreaterThan(30_000);
    expect(h.bars.find((b) => b.label === h.marks[0].bar)!.toMs).toBeGreaterThan(30_000);
  });

  it("has no bars without data", () => {
    expect(idleGapHistogram("t", [], [{ name: "gateway", ms: 30_000 }])).toMatchObject({
      bars: [],
      marks: [],
      total: 0,
    });
  });
});

describe("failuresByPath", () => {
  it("keeps the top paths per target and sums the rest, targets with most failures first", () => {
    const rows = [
      { target: "a", path: "/x", s502: 1, s504: 0 },
      { target: "b", path: "/p1", s502: 5, s504: 1 },
      { target: "b", path: "/p2", s502: 2, s504: 0 },
      { target: "b", path: "/p3", s502: 1, s504: 1 },
      { target: "b", path: "/p4", s502: 1, s504: 0 },
    ];
    const got = failuresByPath(rows, 2);
    expect(got.map((t) => t.target)).toEqual(["b", "a"]);
    expect(got[0]).toEqual({
      target: "b",
      paths: [
        { path: "/p1", s502: 5, s504: 1 },
        { path: "/p2", s502: 2, s504: 0 },
      ],
      otherPaths: 2,
      other502: 2,
      other504: 1,
    });
  });
});

describe("restartMarkers", () => {
  const at = (s: number) => Date.parse("2026-12-04T13:53:00.000Z") + s * 1000;
  const bucket = (t: number) => ({
    ...{ t, total: 1, errors: { ECONNRESET: 1 }, s502: 1, s504: 0 },
    ...{ targetFin: 0, targetRst: 0, killFin: 0, killRst: 0 },
  });
  // Bars every 10 s from 13:53:00 to 13:53:40 (the empty ones between are filled in).
  const chart = timelineChartData({ bucketMs: 10_000, buckets: [bucket(at(0)), bucket(at(40))] });

  it("puts each exit and start on the bar it falls in, one marker per bar, and leaves out those off the chart", () => {
    expect(chart.rows.map((r) => r.label)).toEqual(["13:53:00", "13:53:10", "13:53:20", "13:53:30", "13:53:40"]);
    const events = [
      { ts: at(41.107), worker: "3", event: "start" as const },
      { ts: at(12), worker: "1", event: "exit" as const },
      { ts: at(19.999), worker: "4", event: "start" as const },
      { ts: at(-0.001), worker: "6", event: "start" as const },
      { ts: at(50), worker: "7", event: "exit" as const },
    ];
    expect(restartMarkers(chart, events)).toEqual([
      { label: "13:53:40", exited: [], started: ["3"] },
      { label: "13:53:10", exited: ["1"], started: ["4"] },
    ]);
  });

  it("has nothing to mark on an empty chart", () => {
    expect(
      restartMarkers(timelineChartData({ bucketMs: 1000, buckets: [] }), [{ ts: at(0), worker: "1", event: "exit" }]),
    ).toEqual([]);
  });
});
