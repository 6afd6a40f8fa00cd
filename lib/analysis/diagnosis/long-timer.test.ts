import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, profile, target } from "./test-evidence";

describe("diagnose: a long idle timer two closes show (lib/analysis/tcp/profile.ts, longTimerPair)", () => {
  it("a long timer only two closes show is not enough for high, alone or beside hang-ups", () => {
    // Blind lab world random-1120: two races 1 ms apart at a 46.1 s timer in a minute's capture, no idle close.
    const pair = (hangups: number) =>
      diagnose(
        ev([
          target({
            errors502: 2 + hangups,
            capture: cap(
              { "keepalive-race": 2, "premature-close": hangups },
              {
                races: { "idle-timer": 2 },
                premature: { "answer-time": hangups },
                profile: { ...profile(46_100, 0), cluster: { ms: 46_100, n: 2, spreadMs: 1, of: 2 + hangups } },
              },
            ),
          }),
        ]),
      ).targets[0];
    expect(pair(0)).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium", idleTimeoutMs: 46_100 });
    expect(pair(0).summary).toMatch(/after ≈ 46 s idle/);
    expect(pair(0).evidence.map((e) => e.label)).toContain(
      "idle timer ≈ 46 s: 2 closes (idle, or crossing a request sooner than the target could answer it; a timer that long leaves few closes in a short capture) agree within 1 ms",
    );
    expect(pair(3)).toMatchObject({ cause: "both", confidence: "medium" });
  });
});
