import { describe, expect, it } from "vitest";
import { correlate, detectOffset, effectiveOffset, matchWindow } from "./correlate";

const cand = (id: string, ts: number, classCode = "keepalive-race", target = "t:1") => ({ id, ts, classCode, target });
const fail = (correlationId: string, ts: number, target: string | null = null) => ({ correlationId, target, ts });

describe("correlate", () => {
  it("matches each failure to the nearest close on the same target", () => {
    const r = correlate(
      [fail("a", 1000, "t:1"), fail("b", 5000, "t:1")],
      [cand("1", 990), cand("2", 5004), cand("3", 5010, "normal"), cand("4", 1000, "keepalive-race", "t:2")],
    );
    expect(r.matches.map((m) => [m.correlationId, m.connId]).sort()).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(r.explained).toEqual({ "keepalive-race": 2 });
    expect(r.offsetMs).toBe(0);
    expect(r.source).toBe("none");
  });

  it("detects a constant clock offset larger than the tolerance", () => {
    const r = correlate(
      [fail("a", 11_000), fail("b", 60_000), fail("c", 110_002), fail("d", 131_000), fail("e", 170_001)],
      [cand("1", 1000), cand("2", 50_000), cand("3", 100_000), cand("4", 121_000), cand("5", 160_000)],
    );
    expect(r.detected).toEqual({ offsetMs: 10_000, pairs: 5 });
    expect(r.offsetMs).toBe(10_000);
    expect(r.source).toBe("detected");
    expect(r.matches).toHaveLength(5);
    expect(r.unmatched).toEqual([]);
  });

  it("takes no offset beyond the tolerance that explains barely more than no offset: steady traffic lines up by chance", () => {
    // As in tls-race-rst's first third: races about a second apart, failures about a second apart; two failures at
    // the closes with no offset, three of them 19 s later.
    const closes = [cand("1", 1000), cand("2", 2100), cand("3", 3050)];
    const failures = [1020, 2130, 9000, 20_000, 21_100, 22_050].map((ts, i) => fail(`f${i}`, ts));
    expect(detectOffset(failures, closes)).toBeNull();
    // The same three 19 s away with nothing at zero: a skew.
    expect(detectOffset(failures.slice(2), closes)).toMatchObject({ pairs: 3 });
  });

  it("detects an offset larger than the whole capture, where nearest-neighbour guesses fail", () => {
    // Closes 3 s apart; the log clock runs 1 h ahead.
    const closes = [1000, 4000, 7000, 10_000, 13_000].map((ts, i) => cand(String(i + 1), ts));
    closes.push(cand("6", 2500, "normal"));
    const failures = [3_601_004, 3_604_010, 3_607_002, 3_610_004, 3_613_003].map((ts, i) => fail(`f${i}`, ts));
    expect(detectOffset(failures, closes)).toEqual({ offsetMs: 3_600_004, pairs: 5 });
    expect(
      correlate(failures, closes)
        .matches.map((m) => m.connId)
        .sort(),
    ).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("reports the small lag between packet and log line but does not correct for it", () => {
    const d = detectOffset(
      [fail("a", 1005), fail("b", 4003), fail("c", 7004)],
      [cand("1", 1000), cand("2", 4000), cand("3", 7000)],
    );
    expect(d).toEqual({ offsetMs: 4, pairs: 3 });
    expect(
      effectiveOffset(
        null,
        d,
        matchWindow(
          [fail("a", 1005), fail("b", 4003), fail("c", 7004)],
          [cand("1", 1000), cand("2", 4000), cand("3", 7000)],
          d,
        ),
      ),
    ).toEqual({ offsetMs: 0, source: "none" });
  });

  it("needs three agreeing pairs and a majority of the failures", () => {
    expect(detectOffset([fail("a", 11_000), fail("b", 60_000)], [cand("1", 1000), cand("2", 50_000)])).toBeNull();
    expect(detectOffset([], [cand("1", 1)])).toBeNull();
    expect(detectOffset([fail("a", 1)], [])).toBeNull();
  });

  it("failures logged after a capture stopped do not line up an offset by chance", () => {
    // Lab recording `refused` with the first third of its capture (ms from 1796121750000): its six refusals pair
    // with the 502s at offset 0; the thirteen 502s after it, shifted about 12 s, each found one of them within 1 s.
    const base = 1_796_121_750_000;
    const closes = [
      ...[2_664, 4_718, 6_091, 8_654, 9_217, 9_325].map((ts, i) => cand(`r${i}`, base + ts, "refused", "t:1")),
      cand("n", base + 10_343, "normal"),
      cand("u", base + 10_775.721, "unknown"),
    ];
    const failures = [
      2_665, 4_719, 6_093, 8_654, 9_217, 9_325, 12_086, 13_755, 15_442, 15_556, 16_876, 18_197, 20_710, 20_809, 21_461,
      21_505, 21_642, 21_752, 21_909,
    ].map((ts, i) => fail(String(i), base + ts, "t:1"));
    const r = correlate(failures, closes);
    expect(r.detected?.offsetMs).toBeCloseTo(0.5, 3);
    expect(r.offsetMs).toBe(0);
    expect(r.matches).toHaveLength(6);
  });

  it("takes no offset when the failures within the capture's time close there without one", () => {
    // Lab recording keepalive-hint, first third of its capture (ms from 1796122000000, recording 55.36–69.61 s):
    // three of its four 502s pair within 7 ms; shifted 7.5 s, three after it meet one close, and a fourth 105 ms off.
    const base = 1_796_122_000_000;
    const closes = [
      ...[57_436, 62_960, 65_033].map((ts, i) => cand(`k${i}`, base + ts)),
      cand("u", base + 69_611.633, "unknown"),
      ...[61_514, 65_028, 69_091, 69_092, 69_614].map((ts, i) => cand(`n${i}`, base + ts, "normal")),
    ];
    const failures = [
      57_443, 62_965, 65_033, 69_097, 72_530, 72_520, 72_515, 80_433, 87_091, 89_101, 91_924, 96_001,
    ].map((ts, i) => fail(String(i), base + ts, "t:1"));
    const recording = [{ start: base + 55_360, end: base + 69_614 }];
    expect(detectOffset(failures, closes, 1000, recording)).toEqual({ offsetMs: 5, pairs: 3 });
    const r = correlate(failures, closes, { recording });
    expect(r.offsetMs).toBe(0);
    expect(r.matches.filter((m) => m.classCode === "keepalive-race")).toHaveLength(3);
  });

  it("a person's override wins over the detected offset, and a wrong one loses the matches", () => {
    const failures = [11_000, 60_000, 110_000, 131_000, 170_000].map((ts, i) => fail(`f${i}`, ts));
    const closes = [1000, 50_000, 100_000, 121_000, 160_000].map((ts, i) => cand(String(i + 1), ts));
    const zero = correlate(failures, closes, { overrideMs: 0 });
    expect(zero.source).toBe("override");
    expect(zero.detected?.offsetMs).toBe(10_000);
    expect(zero.matches).toEqual([]);
    // The pairs agree within a few ms: 300 ms off either way is far outside the data's window.
    expect(correlate(failures, closes, { overrideMs: 9_700 }).matches).toEqual([]);
    expect(correlate(failures, closes, { overrideMs: 10_300 }).matches).toEqual([]);
    const set = correlate(failures, closes, { overrideMs: 9_998 });
    expect(set.matches.map((m) => m.deltaMs)).toEqual([2, 2, 2, 2, 2]);
  });

  it("samples the voters when failures × closes is large, and still counts the support over every failure", () => {
    // 3000 races 3–30 s apart and one 502 on each, logged 95.5 s late: 9 M pairs, more than the voting budget.
    let ts = 0;
    const closes = Array.from({ length: 3000 }, (_, i) => cand(String(i), (ts += 3000 + ((i * 7919) % 27_000))));
    const failures = closes.map((c, i) => fail(`f${i}`, c.ts + 95_500 + (i % 5)));
    const d = detectOffset(failures, closes);
    expect(d?.pairs).toBe(3000);
    expect(d?.offsetMs).toBeGreaterThanOrEqual(95_500);
    expect(d?.offsetMs).toBeLessThanOrEqual(95_504);
    expect(correlate(failures, closes).matches).toHaveLength(3000);
  });

  it("derives the match window from the spread of the pairs that agree", () => {
    const closes = [cand("1", 1000), cand("2", 50_000), cand("3", 100_000), cand("4", 150_000), cand("5", 200_000)];
    const tight = [fail("a", 8001), fail("b", 57_003), fail("c", 107_002), fail("d", 157_004), fail("e", 207_003)];
    const r = correlate(tight, closes);
    expect(r.windowMs).toBe(25);
    // A skew of 300 ms is smaller than the search tolerance but far larger than the window: it is applied.
    const skew = correlate(
      tight.map((f) => ({ ...f, ts: f.ts - 7000 + 300 })),
      closes,
    );
    // median of 301, 303, 302, 304, 303
    expect([skew.source, skew.offsetMs]).toEqual(["detected", 303]);
    expect(skew.matches).toHaveLength(5);
    // Log lines that lag their closes by up to 60 ms widen the window to hold them.
    const loose = correlate([fail("a", 1000), fail("b", 50_040), fail("c", 100_060), fail("d", 150_020)], closes);
    expect(loose.windowMs).toBeGreaterThanOrEqual(60);
    expect(loose.matches).toHaveLength(4);
  });

  it("a log line that lags its close by a busy event loop is still matched, after the pairs within the window", () => {
    const closes = [cand("1", 1000), cand("2", 50_000), cand("3", 100_000), cand("4", 150_000), cand("5", 200_000)];
    const r = correlate(
      [fail("a", 1001), fail("b", 50_002), fail("c", 100_001), fail("d", 150_003), fail("e", 200_099)],
      closes,
    );
    expect(r.windowMs).toBe(25);
    expect(r.matches.find((m) => m.correlationId === "e")).toMatchObject({ connId: "5", deltaMs: 99 });
    // A log line before its close by more than the window is no pair: one host's clock does not run backwards.
    expect(
      correlate(
        [fail("a", 1001), fail("b", 50_002), fail("c", 100_001), fail("d", 150_003), fail("e", 199_901)],
        closes,
      ).unmatched,
    ).toEqual(["e"]);
  });

  it("with too few pairs to measure, a failure far from any close stays unmatched", () => {
    const r = correlate([fail("a", 1000, "t:1")], [cand("1", 1500)]);
    expect(r.windowMs).toBe(200);
    expect(r.matches).toEqual([]);
  });

  it("matches a refused connect only to a refusal, not to the failure just before it", () => {
    // Recorded (__fixtures__/dual-stack): after a race's 502 the next request's first try, to the name's IPv6 address,
    // is refused within a millisecond, the race's close a few ms before the log line.
    const conns = [cand("race", 1000), cand("next", 1004, "refused")];
    const reset = { ...fail("a", 1005, "t:1"), code: "ECONNRESET" };
    expect(correlate([reset], conns).matches.map((m) => m.connId)).toEqual(["race"]);
    const refusal = { ...fail("b", 1005, "t:1"), code: "ECONNREFUSED" };
    expect(correlate([refusal], [cand("next", 1004, "refused")]).matches.map((m) => m.connId)).toEqual(["next"]);
  });

  it("leaves failures without a close within tolerance unmatched", () => {
    const r = correlate([fail("a", 1000, "t:1")], [cand("1", 2500)], { toleranceMs: 1000 });
    expect(r.matches).toEqual([]);
    expect(r.unmatched).toEqual(["a"]);
  });
});
