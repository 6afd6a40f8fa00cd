/**
 * Guessing tokens and passwords through the real route handlers, on a real database: each client address gets a
 * small budget of failures (lib/auth/rate-limit.ts), which nobody else's failures can use up and no forged
 * X-Forwarded-For renews.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hit as hitRoute, openRouteTestDb, type Params } from "@/lib/testing/routes";
import type { TestEnv } from "@/lib/testing/test-db";
import { createShareLink } from "./share-links";
import { newToken } from "./tokens";
import { limiter } from "./rate-limit";

let t: TestEnv;
const ids = { incidentA: "inc_bruteA", shareToken: "" };
const ADMIN = { email: "eng@example.com", password: "engineer password" };

beforeAll(async () => {
  t = await openRouteTestDb({ users: [{ ...ADMIN, role: "admin" }], incidents: [{ id: ids.incidentA, title: "A" }] });
  ids.shareToken = (await createShareLink(t.handle.prisma, ids.incidentA)).token;
});
afterAll(async () => {
  await t?.cleanup();
});

const hit = (
  route: string,
  method: string,
  ip: string,
  params: Params,
  body?: unknown,
  headers?: Record<string, string>,
) => hitRoute(route, method, { ip, params, body, headers });
const signIn = (ip: string, password: string, headers?: Record<string, string>) =>
  hit("api/auth/signin", "POST", ip, {}, { email: ADMIN.email, password }, headers);

describe("brute force", () => {
  it("guessing share tokens is cut off with 429 after 20 misses per address; a forged X-Forwarded-For buys nothing", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push(
        (
          await hit("s/[token]", "GET", "198.51.100.1", { token: newToken() }, undefined, {
            "x-forwarded-for": `203.0.113.${i}`,
          })
        ).status,
      );
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // The right token still opens, even from that address: a valid link is never refused.
    const ok = await hit("s/[token]", "GET", "198.51.100.1", { token: ids.shareToken });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/incidents/${ids.incidentA}`);
    expect(ok.headers.get("set-cookie")).toMatch(/emg_share=.*HttpOnly.*SameSite=lax/i);
  });

  it("500 bogus share tokens from many addresses do not make a valid link answer 429", async () => {
    for (let a = 0; a < 25; a++) {
      await Promise.all(
        Array.from({ length: 20 }, () => hit("s/[token]", "GET", `198.18.0.${a}`, { token: newToken() })),
      );
    }
    expect((await hit("s/[token]", "GET", "198.18.0.1", { token: newToken() })).status).toBe(429);
    expect((await hit("s/[token]", "GET", "192.0.2.200", { token: ids.shareToken })).status).toBe(303);
    expect((await hit("s/[token]", "GET", "192.0.2.200", { token: newToken() })).status).toBe(404);
  });

  it("upload-link guesses count against the same budget", async () => {
    for (let i = 0; i < 20; i++) await hit("u/[token]/upload", "POST", "198.51.100.3", { token: newToken() });
    expect((await hit("u/[token]/upload", "POST", "198.51.100.3", { token: newToken() })).status).toBe(429);
  });

  it("password guessing is cut off with 429 after 10 failures per address, whatever X-Forwarded-For says", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await signIn("198.51.100.4", `guess ${i}`, { "x-forwarded-for": `203.0.113.${i}` })).status);
    expect(statuses).toEqual([...new Array(10).fill(401), 429, 429]);
    const right = await signIn("198.51.100.4", ADMIN.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await right.json()).error.code).toBe("rate_limited");
    const elsewhere = await signIn("198.51.100.5", ADMIN.password);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get("set-cookie")).toMatch(/emg_session=[A-Za-z0-9_-]{43};.*HttpOnly.*SameSite=lax/i);
  });

  it("200 failed sign-ins over 20 addresses do not lock the real admin out", async () => {
    // Through the route for one address; the other 190 recorded as the route records them (200 scrypt runs
    // would take a minute of CPU here).
    for (let i = 0; i < 10; i++) expect((await signIn("198.19.0.99", `wrong ${i}`)).status).toBe(401);
    const failures = limiter(t.handle.prisma, "signin");
    for (let a = 0; a < 19; a++) for (let i = 0; i < 10; i++) await failures.fail(`198.19.0.${a}`);
    expect(
      await t.handle.prisma.authFailure.count({ where: { kind: "signin", ip: { startsWith: "198.19.0." } } }),
    ).toBe(200);
    const admin = await signIn("192.0.2.10", ADMIN.password);
    expect(admin.status).toBe(200);
  });

  it("50 parallel sign-ins from one address: only 10 are checked, the rest answer 429", async () => {
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => signIn("198.51.100.6", `parallel ${i}`)));
    expect(statuses.map((r) => r.status).filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.map((r) => r.status).filter((s) => s === 429)).toHaveLength(40);
  });

  it("a successful sign-in does not use up the address's budget", async () => {
    for (let i = 0; i < 12; i++) expect((await signIn("198.51.100.7", ADMIN.password)).status).toBe(200);
  });
});
