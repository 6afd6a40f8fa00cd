/**
 * Guessing tokens and passwords through the real route handlers, on a real database: each client address
 * gets a small budget of failures, then 429 before any lookup (lib/auth/rate-limit.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hit as hitRoute, openRouteTestDb, type Params } from "@/lib/testing/routes";
import type { TestEnv } from "@/lib/testing/test-db";
import { createShareLink } from "./share-links";
import { newToken } from "./tokens";

let t: TestEnv;
const ids = { incidentA: "inc_bruteA", shareToken: "" };

beforeAll(async () => {
  t = await openRouteTestDb({
    users: [{ email: "eng@example.com", password: "engineer password", role: "admin" }],
    incidents: [{ id: ids.incidentA, title: "A" }],
  });
  ids.shareToken = (await createShareLink(t.handle.prisma, ids.incidentA)).token;
});
afterAll(async () => {
  await t?.cleanup();
});

describe("brute force", () => {
  const hit = (route: string, method: string, ip: string, params: Params, body?: unknown) => hitRoute(route, method, { ip, params, body });

  it("guessing share tokens is cut off with 429 after 20 misses per address, before the lookup", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await hit("s/[token]", "GET", "198.51.100.1", { token: newToken() })).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // Even the right token is refused from that address now; another address still gets in.
    expect((await hit("s/[token]", "GET", "198.51.100.1", { token: ids.shareToken })).status).toBe(429);
    const ok = await hit("s/[token]", "GET", "198.51.100.2", { token: ids.shareToken });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/incidents/${ids.incidentA}`);
    expect(ok.headers.get("set-cookie")).toMatch(/emg_share=.*HttpOnly.*SameSite=lax/i);
  });

  it("upload-link guesses count against the same budget", async () => {
    for (let i = 0; i < 20; i++) await hit("u/[token]/upload", "POST", "198.51.100.3", { token: newToken() });
    expect((await hit("u/[token]/upload", "POST", "198.51.100.3", { token: newToken() })).status).toBe(429);
  });

  it("password guessing is cut off with 429 after 10 failures per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await hit("api/auth/signin", "POST", "198.51.100.4", {}, { email: "eng@example.com", password: `guess ${i}` })).status);
    expect(statuses).toEqual(new Array(10).fill(401));
    const right = await hit("api/auth/signin", "POST", "198.51.100.4", {}, { email: "eng@example.com", password: "engineer password" });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    const elsewhere = await hit("api/auth/signin", "POST", "198.51.100.5", {}, { email: "eng@example.com", password: "engineer password" });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get("set-cookie")).toMatch(/emg_session=[A-Za-z0-9_-]{43};.*HttpOnly.*SameSite=lax/i);
  });
});
