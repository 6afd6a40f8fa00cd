/**
 * Guessing tokens and passwords through the real route handlers, on a real database: each client address
 * gets a small budget of failures, then 429 before any lookup (lib/auth/rate-limit.ts).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { newToken } from "./tokens";

const APP = path.resolve(import.meta.dirname, "../../app");
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

let t: TestEnv;
const ids = { incidentA: "inc_bruteA", shareToken: "" };

beforeAll(async () => {
  t = await openTestDb();
  process.env.DATA_DIR = t.dataDir;
  (globalThis as unknown as { __emgDb: unknown }).__emgDb = t.handle;
  const db = t.handle.prisma;
  const { createUser } = await import("./users");
  const { createShareLink } = await import("./share-links");
  await createUser(db, { email: "eng@example.com", password: "engineer password", role: "admin" });
  await db.incident.create({ data: { id: ids.incidentA, title: "A" } });
  ids.shareToken = (await createShareLink(db, ids.incidentA)).token;
});
// No account may outlive this file: on PostgreSQL the e2e open-mode server starts on this same database next.
afterAll(async () => {
  await t?.handle.prisma.user.deleteMany();
  await t?.cleanup();
});

describe("brute force", () => {
  const hit = async (route: string, method: string, ip: string, params: Record<string, string>, body?: unknown): Promise<Response> => {
    const mod = (await import(/* @vite-ignore */ path.join(APP, route, "route.ts"))) as Record<string, Handler>;
    const req = new Request(`http://127.0.0.1/${route}`, {
      method,
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return mod[method](req, { params: Promise.resolve(params) });
  };

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
