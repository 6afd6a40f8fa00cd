/**
 * The last-admin rule under real concurrency (on PGlite and, with DATABASE_URL, on PostgreSQL through two
 * separate connection pools, as two app instances would), and what a server listening beyond localhost does
 * when no account is left.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { forgetEnv } from "@/lib/env";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";
import { AccountError, createUser, forgetTeamMode, removeUser } from "./users";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers(),
}));

let t: RouteTestEnv;
let other: { prisma: Db; close(): Promise<void> } | undefined;
beforeAll(async () => {
  t = await openRouteTestDb();
  if (process.env.DATABASE_URL) other = openDb({ databaseUrl: process.env.DATABASE_URL });
});
afterAll(async () => {
  await other?.close();
  delete process.env.HOST;
  forgetEnv();
  await t?.cleanup();
});
beforeEach(async () => {
  await t.handle.prisma.user.deleteMany();
  forgetTeamMode();
});

describe("the last admin", () => {
  it("survives two admins removing each other at the same moment", async () => {
    const db = t.handle.prisma;
    for (let round = 0; round < 8; round++) {
      await db.user.deleteMany();
      const a = await createUser(db, { email: `a${round}@example.com`, password: "admin a password", role: "admin" });
      const b = await createUser(db, { email: `b${round}@example.com`, password: "admin b password", role: "admin" });
      const results = await Promise.allSettled([removeUser(db, a.id), removeUser(other?.prisma ?? db, b.id)]);
      expect(
        results.filter((r) => r.status === "fulfilled"),
        `round ${round}`,
      ).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AccountError);
      expect((refused.reason as AccountError).code).toBe("last_admin");
      expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
    }
  });

  it("removing an engineer next to an admin removal never takes the last admin", async () => {
    const db = t.handle.prisma;
    const a = await createUser(db, { email: "a@example.com", password: "admin a password", role: "admin" });
    const e = await createUser(db, { email: "e@example.com", password: "engineer password", role: "engineer" });
    const results = await Promise.allSettled([removeUser(db, a.id), removeUser(other?.prisma ?? db, e.id)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(await db.user.findMany({ select: { email: true } })).toEqual([{ email: "a@example.com" }]);
  });
});

describe("no account on a server listening beyond localhost", () => {
  const listen = (host: string) => {
    process.env.HOST = host;
    forgetEnv();
    forgetTeamMode();
  };

  it("serves no open mode: every route answers 503 setup_required, and no admin can be created over HTTP", async () => {
    listen("0.0.0.0");
    const list = await hit("api/incidents", "GET", { ip: "192.0.2.1" });
    expect(list.status).toBe(503);
    const err = (await list.json()).error;
    expect(err.code).toBe("setup_required");
    expect(err.message).toMatch(/listens on 0\.0\.0\.0.*npm run admin -- create-admin/);
    const create = await hit("api/admin/users", "POST", {
      ip: "192.0.2.1",
      body: { email: "x@example.com", password: "a long password", role: "admin" },
    });
    expect(create.status).toBe(503);
    expect(await t.handle.prisma.user.count()).toBe(0);
  });

  it("is open mode on a loopback listener", async () => {
    listen("127.0.0.1");
    expect((await hit("api/incidents", "GET", { ip: "127.0.0.1" })).status).toBe(200);
    listen("::1");
    expect((await hit("api/incidents", "GET", { ip: "::1" })).status).toBe(200);
  });
});
