import { afterEach, describe, expect, it, vi } from "vitest";
import { delayLine } from "./relay.mjs";

afterEach(() => vi.restoreAllMocks());

describe("the relay's delay line", () => {
  // The clock ticks a millisecond every third reading, so some events are scheduled across a tick: a timer per
  // event then gets durations a millisecond apart and runs them out of order (random-276: a FIN before its data).
  it("runs events in the order they were scheduled when the clock ticks between them", async () => {
    let reads = 0;
    const base = Date.now();
    const clock = () => base + Math.floor(reads++ / 3);
    vi.spyOn(Date, "now").mockImplementation(clock);
    vi.spyOn(performance, "now").mockImplementation(clock);
    const line = delayLine(9);
    const ran: number[] = [];
    for (let i = 0; i < 40; i++) line(() => ran.push(i));
    await vi.waitFor(() => expect(ran).toHaveLength(40), { timeout: 5000, interval: 5 });
    expect(ran).toEqual([...Array(40).keys()]);
  });

  it("waits its delay before the first event", async () => {
    const line = delayLine(30);
    const t0 = performance.now();
    let at = 0;
    line(() => (at = performance.now()));
    await vi.waitFor(() => expect(at).toBeGreaterThan(0), { timeout: 2000, interval: 5 });
    expect(at - t0).toBeGreaterThanOrEqual(29);
  });
});
