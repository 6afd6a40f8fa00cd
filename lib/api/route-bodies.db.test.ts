/**
 * Every route file on disk (so a new one cannot slip by): each exported handler is built by `route()`, and every
 * handler that takes a JSON body answers a malformed one 400, an empty one 400 and one its schema refuses 422, as
 * the one person of open mode (so access passes) against a real database. Handlers that change state without a
 * body spec are named below with why: a new one must be added here, or declare its body.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findInApp, openRouteTestDb, routeModule, type RouteTestEnv } from "@/lib/testing/routes";
import { PEER_HEADER } from "@/lib/auth/peer";
import { ApiErrorBody } from "./errors";
import { routeSpecOf } from "./route";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers({ [PEER_HEADER]: "127.0.0.1" }),
}));

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** State-changing handlers that read no JSON body, and why. */
const BODYLESS: Record<string, string> = {
  "POST api/incidents": "multipart upload, streamed by receiveUpload",
  "POST u/[token]/upload": "multipart upload through a link, streamed",
  "POST api/auth/signout": "a form post or an empty fetch: nothing to read",
};

const routes = () => findInApp("route.ts");

const INCIDENT = "inc_bodies";
const urlOf = (route: string) =>
  `http://127.0.0.1/${route.replace(/\[[^\]]+\]/g, (s) => (s === "[id]" ? INCIDENT : "x"))}`;
const paramsOf = (route: string) =>
  Object.fromEntries([...route.matchAll(/\[([^\]]+)\]/g)].map(([, name]) => [name, name === "id" ? INCIDENT : "x"]));

async function send(route: string, method: string, body: string) {
  const handler = (await routeModule(route))[method]!;
  const req = new Request(urlOf(route), {
    method,
    headers: { "content-type": "application/json", host: "127.0.0.1", [PEER_HEADER]: "127.0.0.1" },
    body,
  });
  const res = await handler(req, { params: Promise.resolve(paramsOf(route)) });
  return { status: res.status, error: ApiErrorBody.parse(await res.json()).error };
}

let t: RouteTestEnv;
beforeAll(async () => {
  t = await openRouteTestDb({ incidents: [{ id: INCIDENT, title: "bodies" }] }); // no accounts: open mode
});
afterAll(async () => {
  await t?.cleanup();
});

describe("every route handler", () => {
  it("is built by route() (so it has the wrapper's access check, parsing and error mapping)", async () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(20);
    for (const route of all) {
      const mod = await routeModule(route);
      const methods = METHODS.filter((m) => mod[m] !== undefined);
      expect(methods.length, `app/${route}/route.ts exports no handler`).toBeGreaterThan(0);
      for (const m of methods)
        expect(routeSpecOf(mod[m]), `${m} /${route} is not built by route() (lib/api/route.ts)`).toBeDefined();
    }
  });

  it("that changes state either declares its JSON body or is a known body-less one", async () => {
    const bodyless: string[] = [];
    for (const route of routes()) {
      const mod = await routeModule(route);
      for (const m of ["POST", "PUT", "PATCH"] as const)
        if (mod[m] && !routeSpecOf(mod[m])!.body) bodyless.push(`${m} ${route}`);
    }
    expect(bodyless.sort()).toEqual(Object.keys(BODYLESS).sort());
  });

  it("with a JSON body answers malformed JSON 400, an empty body 400 and an invalid body 422", async () => {
    const checked: string[] = [];
    for (const route of routes()) {
      const mod = await routeModule(route);
      for (const m of METHODS) {
        if (!routeSpecOf(mod[m])?.body) continue;
        const at = `${m} /${route}`;
        const malformed = await send(route, m, '{"label": "truncated');
        expect([malformed.status, malformed.error.code], at).toEqual([400, "invalid_json"]);
        const empty = await send(route, m, "");
        expect([empty.status, empty.error.code], at).toEqual([400, "empty_body"]);
        // A JSON string fits no body schema of this API (all are objects).
        const invalid = await send(route, m, '"not an object"');
        expect([invalid.status, invalid.error.code], at).toEqual([422, "invalid_input"]);
        expect(invalid.error.details, at).toEqual(
          expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
        );
        checked.push(at);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(7);
  });

  it("does not create a share link with defaults from a truncated body (the defect the wrapper closes)", async () => {
    expect((await send("api/incidents/[id]/share-links", "POST", '{"expiresInHours": 1')).status).toBe(400);
    expect((await send("api/incidents/[id]/share-links", "POST", "")).status).toBe(400);
    expect(await t.handle.prisma.shareLink.count()).toBe(0);
    // The same route with a whole body does create one: the refusals above are not the only answer.
    const res = await (
      await routeModule("api/incidents/[id]/share-links")
    ).POST!(
      new Request(urlOf("api/incidents/[id]/share-links"), {
        method: "POST",
        headers: { host: "127.0.0.1", [PEER_HEADER]: "127.0.0.1" },
        body: "{}",
      }),
      { params: Promise.resolve(paramsOf("api/incidents/[id]/share-links")) },
    );
    expect(res.status).toBe(201);
    expect(await t.handle.prisma.shareLink.count()).toBe(1);
  });

  it("answers an unknown incident 404 with the one error shape", async () => {
    const handler = (await routeModule("api/incidents/[id]/clock")).PATCH!;
    const req = new Request("http://127.0.0.1/api/incidents/inc_nope/clock", {
      method: "PATCH",
      headers: { host: "127.0.0.1" },
      body: '{"offsetMs": null}',
    });
    const res = await handler(req, { params: Promise.resolve({ id: "inc_nope" }) });
    expect(res.status).toBe(404);
    expect(ApiErrorBody.parse(await res.json()).error).toEqual({ code: "not_found", message: "No such incident." });
  });
});
