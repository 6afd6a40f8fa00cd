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
const opts: LimiterOptions = { perIp: 3, windowMs: 60_000 };
const make = (o: LimiterOptions = opts) => new FailureLimiter(t.handle.prisma, "token", o, clock);

describe("FailureLimiter", () => {
  it("blocks an address after its failures within the window and lets it in again after", async () => {
    const l = make();
    for (let i = 0; i < 3; i++) {
      expect(await l.blocked("1.1.1.1")).toBe(false);
      expect(await l.fail("1.1.1.1")).toBe("counted");
      now += 1000;
    }
    expect(await l.blocked("1.1.1.1")).toBe(true);
    expect(await l.fail("1.1.1.1")).toBe("over");
    expect(await l.attempt("1.1.1.1")).toBeNull();
    expect(await t.handle.prisma.authFailure.count()).toBe(3); // refused tries are not recorded
    expect(await l.blocked("2.2.2.2")).toBe(false);
    expect(await l.retryAfterS("1.1.1.1")).toBe(57);
    now = 60_001; // the first failure (t=0) left the window
    expect(await l.blocked("1.1.1.1")).toBe(false);
  });

  it("strangers' failures, from however many addresses, block nobody else", async () => {
    const l = make();
    for (let i = 0; i < 60; i++) await l.fail(`10.0.${i >> 2}.${i}`);
    expect(await l.blocked("192.0.2.1")).toBe(false);
    expect(await l.attempt("192.0.2.1")).not.toBeNull();
  });

  it("counts atomically: of 50 parallel tries from one address exactly the budget gets through", async () => {
    const l = make();
    const tries = await Promise.all(Array.from({ length: 50 }, () => l.attempt("1.1.1.1")));
    expect(tries.filter((x) => x !== null)).toHaveLength(3);
    expect(await t.handle.prisma.authFailure.count({ where: { ip: "1.1.1.1" } })).toBe(3);
  });

  it("gives a successful try back", async () => {
    const l = make();
    for (let i = 0; i < 5; i++) {
      const id = await l.attempt("1.1.1.1");
      expect(id).not.toBeNull();
      await l.succeeded(id!);
    }
    expect(await l.blocked("1.1.1.1")).toBe(false);
    expect(await t.handle.prisma.authFailure.count()).toBe(0);
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
    for (let i = 0; i < 3; i++) await l.fail("1.1.1.1");
    expect(await l.blocked("1.1.1.1")).toBe(true);
    now = 60_000; // exactly one window later: all three are out
    expect(await l.blocked("1.1.1.1")).toBe(false);
    expect(await t.handle.prisma.authFailure.count()).toBe(3);
    await l.fail("1.1.1.1");
    const left = await t.handle.prisma.authFailure.findMany({ select: { ip: true, at: true } });
    expect(left).toEqual([{ ip: "1.1.1.1", at: new Date(60_000) }]);
  });

  it("uses the documented limits by default", () => {
    expect(new FailureLimiter(t.handle.prisma, "token").opts).toEqual({ perIp: 20, windowMs: 600_000 });
    expect(new FailureLimiter(t.handle.prisma, "signin").opts).toEqual(LIMITS.signin);
    expect(LIMITS.signin).toEqual({ perIp: 10, windowMs: 900_000 });
  });
});
