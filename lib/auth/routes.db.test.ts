/**
 * Every route handler and page of the app, found on disk (so a new one cannot slip by), called as a
 * share-link visitor and as an anonymous visitor of a team deployment against a real database:
 * nothing but the explicit public list may answer anything but 401/403/404 (or, for pages, the
 * sign-in redirect / 404 page).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findInApp, hit, openRouteTestDb, routeModule, type RouteTestEnv } from "@/lib/testing/routes";
import { createSession } from "./sessions";
import { createShareLink } from "./share-links";
import { newToken } from "./tokens";

const jar = vi.hoisted(() => new Map<string, string>());
/** Counts cookie-jar reads: a handler that answered without asking who is looking did not run a guard. */
const reads = vi.hoisted(() => ({ n: 0 }));
vi.mock("next/headers", () => ({
  cookies: async () => (
    reads.n++,
    {
      get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
      has: (name: string) => jar.has(name),
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    }
  ),
  headers: async () => new Headers({ "x-emg-peer": "192.0.2.7" }),
}));

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = path.join(ROOT, "app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Public routes: [route, method] with why. Token-gated ones are still called and must answer 404 for a bogus token. */
const PUBLIC: Record<string, { methods: string[]; tokenGated?: boolean }> = {
  "api/health": { methods: ["GET"] },
  "api/auth/signin": { methods: ["POST"] },
  "api/auth/signout": { methods: ["POST"] },
  "api/schema/analysis.json": { methods: ["GET"] }, // describes a format, holds no data
  "collector/[file]": { methods: ["GET"] }, // the collector script customers download: code, no data
  "s/[token]": { methods: ["GET"], tokenGated: true },
  "u/[token]/upload": { methods: ["POST"], tokenGated: true },
};
const PUBLIC_PAGES = new Set(["signin"]);

const API_KEY = "Zq7xKp2LmN9vBc4RtY8wHs3JdF6gA1eU";
const LOG_WITH_KEY = `2026-11-23T19:33:55.816Z [info][127.0.0.1:28000][7600][acme][prod][orders/1][10.0.0.9][${API_KEY}][1e7af884-4fa5-4dfe-abca-6d2852d5e513][plugins-middleware][sourceRequest][GET][][][][]\n`;

let t: RouteTestEnv;
const ids = {
  incidentA: "inc_routesA",
  incidentB: "inc_routesB",
  fileA: "f_routesA",
  fileB: "f_routesB",
  engineer: "",
  shareToken: "",
  sessionToken: "",
  shareLinkId: "",
  uploadLinkId: "",
};

function segmentValue(seg: string): string | string[] {
  const name = seg.replace(/^\[+\.{0,3}|\]+$/g, "");
  const v: Record<string, string> = {
    id: ids.incidentA,
    fileId: ids.fileA,
    connId: "1",
    correlationId: "corr-1",
    linkId: ids.shareLinkId,
    userId: ids.engineer,
    token: newToken(), // bogus: unknown to the database
  };
  const value = v[name] ?? "x";
  return seg.startsWith("[...") || seg.startsWith("[[...") ? [value] : value;
}

function paramsOf(route: string, over: Record<string, string> = {}) {
  const params: Record<string, string | string[]> = {};
  const url: string[] = [];
  for (const seg of route.split("/").filter(Boolean)) {
    if (seg.startsWith("(")) continue;
    if (seg.startsWith("[")) {
      const name = seg.replace(/^\[+\.{0,3}|\]+$/g, "");
      const value = over[name] ?? segmentValue(seg);
      params[name] = value;
      url.push(...(Array.isArray(value) ? value : [value]));
    } else url.push(seg);
  }
  return { params, url: `http://127.0.0.1/${url.join("/")}` };
}

const BODY = { title: "changed", note: "changed", label: "l", email: "x@example.com", password: "p".repeat(12) };

async function call(
  route: string,
  method: string,
  over: Record<string, string> = {},
): Promise<Response & { guarded: boolean }> {
  const { params, url } = paramsOf(route, over);
  const body = ["GET", "HEAD", "OPTIONS", "DELETE"].includes(method) ? undefined : BODY;
  const before = reads.n;
  const res = await hit(route, method, { ip: "192.0.2.7", params, body, url });
  return Object.assign(res, { guarded: reads.n > before });
}

const routes = () => findInApp("route.ts");
const pages = () => findInApp("page.tsx");
const methodsOf = async (route: string) => {
  const mod = await routeModule(route);
  return METHODS.filter((m) => typeof mod[m] === "function");
};
const underIncident = (route: string) => /(^|\/)incidents\/\[id\](\/|$)/.test(route);
const DENIED = [401, 403, 404];

function as(kind: "anonymous" | "share" | "engineer") {
  jar.clear();
  if (kind === "share") jar.set("emg_share", ids.shareToken);
  if (kind === "engineer") jar.set("emg_session", ids.sessionToken);
}

beforeAll(async () => {
  t = await openRouteTestDb({
    users: [
      { email: "admin@example.com", password: "admin password", role: "admin" },
      { email: "eng@example.com", password: "engineer password", role: "engineer" },
    ],
    incidents: [ids.incidentA, ids.incidentB].map((id) => ({ id, title: id, org: "acme", env: "prod" })),
  });
  const db = t.handle.prisma;
  ids.engineer = t.users[1].id;
  ids.sessionToken = (await createSession(db, ids.engineer)).token;
  for (const [inc, file] of [
    [ids.incidentA, ids.fileA],
    [ids.incidentB, ids.fileB],
  ]) {
    await db.bundleFile.create({
      data: {
        id: file,
        incidentId: inc,
        name: "a.log",
        sha256: "0".repeat(64),
        size: 0n,
        kind: "empty",
        status: "skipped",
      },
    });
  }
  // A real stored log whose client id is an API key, for the download checks.
  const { blobStore } = await import("@/lib/ingest/bundle");
  const { Readable } = await import("node:stream");
  const put = await blobStore(t.dataDir).put(Readable.from([Buffer.from(LOG_WITH_KEY)]));
  await db.bundleFile.create({
    data: {
      id: "f_routesLog",
      incidentId: ids.incidentA,
      name: "gw.log",
      sha256: put.sha256,
      size: BigInt(put.size),
      kind: "gateway-log",
      status: "done",
    },
  });
  const share = await createShareLink(db, ids.incidentA, { label: "ticket", allowDownload: false });
  ids.shareToken = share.token;
  ids.shareLinkId = share.link.id;
});
afterAll(async () => {
  await t?.cleanup();
});

describe("route handlers in team mode", () => {
  it("finds the routes on disk (the enumeration itself works)", () => {
    const r = routes();
    expect(r).toContain("api/incidents");
    expect(r).toContain("api/incidents/[id]");
    expect(r.length).toBeGreaterThan(8);
  });

  it("the public list only names routes that exist", () => {
    for (const route of Object.keys(PUBLIC)) expect(routes()).toContain(route);
  });

  it("refuse an anonymous visitor everything but the public routes", async () => {
    as("anonymous");
    const checked: string[] = [];
    for (const route of routes()) {
      for (const method of await methodsOf(route)) {
        const pub = PUBLIC[route];
        if (pub?.methods.includes(method) && !pub.tokenGated) continue;
        const res = await call(route, method);
        checked.push(`${method} /${route} ${res.status}`);
        expect(DENIED, `${method} /${route} answered ${res.status} to an anonymous visitor`).toContain(res.status);
        if (!pub)
          expect(res.guarded, `${method} /${route} answered ${res.status} without asking who is looking`).toBe(true);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
    if (process.env.SHOW_ROUTES) console.log(checked.join("\n"));
  });

  it("refuse every mutation to a share-link visitor, on their own incident too", async () => {
    as("share");
    for (const route of routes()) {
      for (const method of await methodsOf(route)) {
        if (["GET", "HEAD", "OPTIONS"].includes(method)) continue;
        const pub = PUBLIC[route];
        if (pub?.methods.includes(method) && !pub.tokenGated) continue;
        const res = await call(route, method);
        expect(DENIED, `${method} /${route} answered ${res.status} to a share visitor`).toContain(res.status);
        if (!pub)
          expect(res.guarded, `${method} /${route} answered ${res.status} without asking who is looking`).toBe(true);
      }
    }
    // Nothing changed on the shared incident.
    expect((await t.handle.prisma.incident.findUniqueOrThrow({ where: { id: ids.incidentA } })).title).toBe(
      ids.incidentA,
    );
  });

  it("let a share-link visitor read only their incident", async () => {
    as("share");
    for (const route of routes()) {
      for (const method of await methodsOf(route)) {
        if (method !== "GET" || PUBLIC[route]?.methods.includes("GET")) continue;
        if (!underIncident(route)) {
          const res = await call(route, method);
          expect(DENIED, `GET /${route} answered ${res.status} to a share visitor (lists across incidents?)`).toContain(
            res.status,
          );
          continue;
        }
        const other = await call(route, method, { id: ids.incidentB, fileId: ids.fileB });
        expect(DENIED, `GET /${route} of another incident answered ${other.status} to a share visitor`).toContain(
          other.status,
        );
        expect(other.guarded, `GET /${route} answered ${other.status} without asking who is looking`).toBe(true);
      }
    }
    expect((await call("api/incidents/[id]", "GET")).status).toBe(200);
    expect((await call("api/incidents/[id]/share-links", "GET")).status).toBe(403);
    expect((await call("api/incidents/[id]/files/[fileId]", "GET")).status).toBe(403); // link without download
  });

  it("let a signed-in engineer through the same guards (the refusals above are not the only answer)", async () => {
    as("engineer");
    expect((await call("api/incidents", "GET")).status).toBe(200);
    expect((await call("api/incidents/[id]/share-links", "GET")).status).toBe(200);
    const patched = await call("api/incidents/[id]", "PATCH", { id: ids.incidentB });
    expect(patched.status).toBe(200);
    expect((await call("api/admin/users", "GET")).status).toBe(403); // engineers are not admins
    // The list API filters like the list page.
    const list = (url: string) => hit("api/incidents", "GET", { ip: "192.0.2.7", url });
    const found = await list("http://127.0.0.1/api/incidents?q=routesA&org=acm");
    expect((await found.json()).incidents.map((i: { id: string }) => i.id)).toEqual([ids.incidentA]);
    expect((await list("http://127.0.0.1/api/incidents?verdict=bogus")).status).toBe(422);
  });
});

describe("raw file download", () => {
  it("is off for a share link without the download flag, masked for one with it, raw for engineers", async () => {
    const withDownload = await createShareLink(t.handle.prisma, ids.incidentA, { allowDownload: true });
    as("share");
    expect((await call("api/incidents/[id]/files/[fileId]", "GET", { fileId: "f_routesLog" })).status).toBe(403);
    jar.set("emg_share", withDownload.token);
    const shared = await call("api/incidents/[id]/files/[fileId]", "GET", { fileId: "f_routesLog" });
    expect(shared.status).toBe(200);
    const text = await shared.text();
    expect(text).not.toContain(API_KEY);
    expect(text).toContain("[Zq****************************eU][1e7af884-");
    expect(
      (await call("api/incidents/[id]/files/[fileId]", "GET", { id: ids.incidentB, fileId: ids.fileB })).status,
    ).toBe(404);
    as("engineer");
    const raw = await call("api/incidents/[id]/files/[fileId]", "GET", { fileId: "f_routesLog" });
    expect(await raw.text()).toBe(LOG_WITH_KEY);
  });

  it("is off for a share link while a log is not yet redacted (queued, parsing, failed, a skipped copy)", async () => {
    const { sha256, size } = await t.handle.prisma.bundleFile.findUniqueOrThrow({ where: { id: "f_routesLog" } });
    const data = { incidentId: ids.incidentA, name: "raw.log", sha256, size, kind: "gateway-log" };
    const withDownload = await createShareLink(t.handle.prisma, ids.incidentA, { allowDownload: true });
    for (const status of ["queued", "parsing", "failed", "skipped"]) {
      const fileId = `f_routesRaw_${status}`;
      await t.handle.prisma.bundleFile.create({ data: { ...data, id: fileId, status } });
      as("share");
      jar.set("emg_share", withDownload.token);
      const res = await call("api/incidents/[id]/files/[fileId]", "GET", { fileId });
      expect(res.status, status).toBe(403);
      expect(await res.text()).toContain("download_not_redacted");
      as("engineer");
      expect((await call("api/incidents/[id]/files/[fileId]", "GET", { fileId })).status, status).toBe(200);
    }
  });
});

describe("pages in team mode", () => {
  const digest = async (page: string, over: Record<string, string> = {}): Promise<string | null> => {
    const mod = (await import(/* @vite-ignore */ path.join(APP, page, "page.tsx"))) as {
      default: (p: unknown) => Promise<unknown>;
    };
    const { params } = paramsOf(page, over);
    try {
      await mod.default({ params: Promise.resolve(params), searchParams: Promise.resolve({}) });
      return null;
    } catch (e) {
      const d = (e as { digest?: string }).digest;
      if (typeof d !== "string") throw e;
      return d;
    }
  };
  const refused = (d: string | null) =>
    d !== null &&
    (d.startsWith("NEXT_REDIRECT") ? d.includes("/signin") : d.startsWith("NEXT_HTTP_ERROR_FALLBACK;404"));

  it("send an anonymous visitor to sign-in or the 404 page", async () => {
    as("anonymous");
    for (const page of pages()) {
      if (PUBLIC_PAGES.has(page)) continue;
      expect(refused(await digest(page)), `/${page} rendered for an anonymous visitor`).toBe(true);
    }
  });

  it("show a share-link visitor their incident's pages and nothing else", async () => {
    as("share");
    for (const page of pages()) {
      if (PUBLIC_PAGES.has(page)) continue;
      if (underIncident(page)) {
        const d = await digest(page, { id: ids.incidentB, fileId: ids.fileB });
        expect(d, `/${page} of another incident rendered for a share visitor`).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
      } else {
        expect(refused(await digest(page)), `/${page} rendered for a share visitor`).toBe(true);
      }
    }
    expect(await digest("incidents/[id]")).toBeNull(); // their own incident renders
  });
});

describe("server actions", () => {
  it("do not exist yet; a file declaring one must be added to this test", () => {
    const files = (readdirSync(ROOT, { recursive: true }) as string[]).filter(
      (p) =>
        /^(app|components|lib)\//.test(p.split(path.sep).join("/")) &&
        /\.(ts|tsx)$/.test(p) &&
        !p.includes("generated"),
    );
    const withActions = files.filter((p) => /^\s*["']use server["']/m.test(readFileSync(path.join(ROOT, p), "utf8")));
    expect(withActions).toEqual([]);
  });
});
