import { describe, expect, it } from "vitest";
import { captureWindows, coversSpan } from "./capture-window";

describe("capture windows against the log's time", () => {
  // Two rotated captures 1 ms apart (one window) and a third an hour on, the log's clock 500 ms ahead of theirs.
  const ws = captureWindows(
    [
      { firstTs: 10_000, lastTs: 20_000 },
      { firstTs: 20_001, lastTs: 30_000 },
      { firstTs: 3_600_000, lastTs: 3_601_000 },
    ],
    500,
  );

  it("merge files that follow each other and shift them onto the log's clock", () => {
    expect(ws).toEqual([
      { start: 10_500, end: 30_500 },
      { start: 3_600_500, end: 3_601_500 },
    ]);
  });

  it("cover the log's time only where no gap is longer than the clock's tolerance", () => {
    expect(coversSpan(ws, 15_500, 25_500)).toBe(true);
    expect(coversSpan(ws, 15_500, 40_000)).toBe(false);
    expect(coversSpan(ws, 5_000, 25_500)).toBe(false);
  });
});
