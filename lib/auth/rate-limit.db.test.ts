import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { FailureLimiter, LIMITS, type LimiterOptions } from "./rate-limit";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.cleanup();
});
beforeEach(async () => {
  await t.handle.prisma.authFailure.deleteMany();
  now = 0;
});

let now = 0;
const clock = () => now;
const opts: LimiterOptions = { perIp: 3, global: 10, windowMs: 60_000 };
const make = (o: LimiterOptions = opts) => new FailureLimiter(t.handle.prisma, "token", o, clock);

describe("FailureLimiter", () => {
  it("blocks an IP after its failures within the window and lets it in again after", async () => {
    const l = make({ ...opts, global: 100 });
    for (let i = 0; i < 3; i++) {
      expect(await l.blocked("1.1.1.1")).toBe(false);
      await l.fail("1.1.1.1");
      now += 1000;
    }
    expect(await l.blocked("1.1.1.1")).toBe(true);
    expect(await l.blocked("2.2.2.2")).toBe(false);
    expect(await l.retryAfterS("1.1.1.1")).toBe(57);
    now = 60_001; // the first failure (t=0) left the window
    expect(await l.blocked("1.1.1.1")).toBe(false);
  });

  it("has a global ceiling, so rotating addresses does not help", async () => {
    const l = make();
    for (let i = 0; i < 10; i++) await l.fail(`10.0.0.${i}`);
    expect(await l.blocked("10.9.9.9")).toBe(true);
    now = 30_000;
    expect(await l.retryAfterS("10.9.9.9")).toBe(30); // no failure of its own: the oldest of anyone
  });

  it("is one budget for every app instance on the database", async () => {
    const a = make();
    const b = make();
    await a.fail("1.1.1.1");
    await b.fail("1.1.1.1");
    expect(await a.blocked("1.1.1.1")).toBe(false);
    await a.fail("1.1.1.1");
    expect(await a.blocked("1.1.1.1")).toBe(true);
    expect(await b.blocked("1.1.1.1")).toBe(true);
    for (let i = 0; i < 7; i++) await (i % 2 ? a : b).fail(`10.0.0.${i}`);
    expect(await b.blocked("10.9.9.9")).toBe(true);
  });

  it("keeps sign-ins and tokens apart", async () => {
    const tokens = make();
    const signins = new FailureLimiter(t.handle.prisma, "signin", opts, clock);
    for (let i = 0; i < 3; i++) await tokens.fail("1.1.1.1");
    expect(await tokens.blocked("1.1.1.1")).toBe(true);
    expect(await signins.blocked("1.1.1.1")).toBe(false);
  });

  it("stops counting failures older than the window and deletes them on the next failure", async () => {
    const l = make();
    for (let i = 0; i < 10; i++) await l.fail(`10.0.0.${i}`);
    expect(await l.blocked("1.1.1.1")).toBe(true);
    now = 60_000; // exactly one window later: all ten are out
    expect(await l.blocked("1.1.1.1")).toBe(false);
    expect(await t.handle.prisma.authFailure.count()).toBe(10);
    await l.fail("1.1.1.1");
    const left = await t.handle.prisma.authFailure.findMany({ select: { ip: true, at: true } });
    expect(left).toEqual([{ ip: "1.1.1.1", at: new Date(60_000) }]);
  });

  it("uses the documented limits by default", () => {
    expect(new FailureLimiter(t.handle.prisma, "token").opts).toEqual({ perIp: 20, global: 500, windowMs: 600_000 });
    expect(new FailureLimiter(t.handle.prisma, "signin").opts).toEqual(LIMITS.signin);
    expect(LIMITS.signin).toEqual({ perIp: 10, global: 200, windowMs: 900_000 });
  });
});
