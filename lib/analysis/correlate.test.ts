import { describe, expect, it } from "vitest";
import { correlate } from "./correlate";

const cand = (id: string, ts: number, classCode = "keepalive-race", target = "t:1") => ({ id, ts, classCode, target });

describe("correlate", () => {
  it("matches each failure to the nearest close on the same target", () => {
    const r = correlate([{ correlationId: "a", target: "t:1", ts: 1000 }, { correlationId: "b", target: "t:1", ts: 5000 }],
      [cand("1", 990), cand("2", 5004), cand("3", 5010, "normal"), cand("4", 1000, "keepalive-race", "t:2")]);
    expect(r.matches.map((m) => [m.correlationId, m.connId]).sort()).toEqual([["a", "1"], ["b", "2"]]);
    expect(r.explained).toEqual({ "keepalive-race": 2 });
    expect(r.offsetMs).toBe(0);
  });

  it("detects a constant clock offset larger than the tolerance", () => {
    const r = correlate([{ correlationId: "a", target: null, ts: 11_000 }, { correlationId: "b", target: null, ts: 60_000 }, { correlationId: "c", target: null, ts: 110_002 }],
      [cand("1", 1000), cand("2", 50_000), cand("3", 100_000)]);
    expect(r.offsetMs).toBe(10_000);
    expect(r.matches).toHaveLength(3);
    expect(r.unmatched).toEqual([]);
  });

  it("leaves failures without a close within tolerance unmatched", () => {
    const r = correlate([{ correlationId: "a", target: "t:1", ts: 1000 }], [cand("1", 2500)], 1000);
    expect(r.matches).toEqual([]);
    expect(r.unmatched).toEqual(["a"]);
  });
});
