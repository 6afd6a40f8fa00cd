import { describe, expect, it } from "vitest";
import { etaSeconds, fmtEta, percentDone } from "./progress";

describe("parse progress", () => {
  it("gives whole percent, clamped to 0–100", () => {
    expect(percentDone(0, 200)).toBe(0);
    expect(percentDone(99, 200)).toBe(49);
    expect(percentDone(250, 200)).toBe(100);
    expect(percentDone(10, 0)).toBe(0);
  });

  it("estimates the time left from the bytes per second between two samples", () => {
    // 50 MB read in 2 s → 25 MB/s; 150 MB left → 6 s.
    expect(etaSeconds({ t: 1000, bytes: 50e6 }, { t: 3000, bytes: 100e6 }, 250e6)).toBeCloseTo(6);
    expect(etaSeconds(undefined, { t: 3000, bytes: 1 }, 10)).toBeNull();
    expect(etaSeconds({ t: 1000, bytes: 5 }, { t: 1100, bytes: 9 }, 10)).toBeNull();
    expect(etaSeconds({ t: 1000, bytes: 5 }, { t: 1500, bytes: 9 }, 10)).toBeCloseTo(0.125); // 4 bytes in 0.5 s, 1 byte left
    expect(etaSeconds({ t: 1000, bytes: 5 }, { t: 5000, bytes: 5 }, 10)).toBeNull();
  });

  it("says it in words", () => {
    expect(fmtEta(null)).toBe("estimating…");
    expect(fmtEta(5.2)).toBe("about 6 s left");
    expect(fmtEta(600)).toBe("about 10 min left");
  });
});
