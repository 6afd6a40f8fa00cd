import { describe, expect, it } from "vitest";
import { clientIp, FailureLimiter } from "./rate-limit";

describe("FailureLimiter", () => {
  it("blocks an IP after its failures within the window and lets it in again after", () => {
    let now = 0;
    const l = new FailureLimiter({ perIp: 3, global: 100, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.blocked("1.1.1.1")).toBe(false);
      l.fail("1.1.1.1");
      now += 1000;
    }
    expect(l.blocked("1.1.1.1")).toBe(true);
    expect(l.blocked("2.2.2.2")).toBe(false);
    expect(l.retryAfterS("1.1.1.1")).toBe(57);
    now = 60_001; // the first failure (t=0) left the window
    expect(l.blocked("1.1.1.1")).toBe(false);
  });

  it("has a global ceiling, so rotating addresses does not help", () => {
    const l = new FailureLimiter({ perIp: 3, global: 10, windowMs: 60_000 }, () => 0);
    for (let i = 0; i < 10; i++) l.fail(`10.0.0.${i}`);
    expect(l.blocked("10.9.9.9")).toBe(true);
  });
});

describe("clientIp", () => {
  it("takes the nearest X-Forwarded-For hop", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.1" }))).toBe("10.0.0.1");
    expect(clientIp(new Headers({ "x-forwarded-for": "127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
