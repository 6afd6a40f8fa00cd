/** /api/health while the database is down: a JSON 503 that says so, not a bare 500. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";

let t: RouteTestEnv;
beforeAll(async () => {
  t = await openRouteTestDb();
});
afterAll(async () => {
  (globalThis as unknown as { __emgDb: unknown }).__emgDb = t.handle;
  await t?.cleanup();
});

describe("GET /api/health", () => {
  it("answers 200 while the database answers, and a JSON 503 naming the database when it does not", async () => {
    expect(await (await hit("api/health", "GET", { ip: "127.0.0.1" })).json()).toEqual({ ok: true });
    const down = {
      ...t.handle,
      prisma: { $queryRaw: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")) },
    };
    (globalThis as unknown as { __emgDb: unknown }).__emgDb = down;
    const res = await hit("api/health", "GET", { ip: "127.0.0.1" });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const { error } = await res.json();
    expect(error).toMatchObject({
      code: "database_unavailable",
      message: expect.stringMatching(/^The database does not answer/),
    });
    expect(error.message).not.toContain("127.0.0.1"); // public route: the driver's message stays in the log
  });
});
