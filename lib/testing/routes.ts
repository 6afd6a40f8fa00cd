import { readdirSync } from "node:fs";
import path from "node:path";
import { createUser } from "@/lib/auth/users";
import type { Role } from "@/lib/auth/roles";
import type { Prisma } from "@/lib/generated/prisma/client";
import { openTestDb, type TestEnv } from "./test-db";
import { PEER_HEADER } from "@/lib/auth/peer";

const APP = path.resolve(import.meta.dirname, "../../app");

export type Params = Record<string, string | string[]>;
type Handler = (req: Request, ctx: { params: Promise<Params> }) => Promise<Response> | Response;

export type RouteTestEnv = TestEnv & { users: { id: string; email: string }[] };

export interface RouteSeed {
  users?: { email: string; password: string; role: Role }[];
  incidents?: Prisma.IncidentCreateManyInput[];
}

/**
 * A test database installed as the app's own (what `db()` and `app()` return), with `DATA_DIR` pointing at its
 * scratch directory, so route handlers and pages imported from app/ run against it. Returns the created users
 * in the order given.
 */
export async function openRouteTestDb(seed: RouteSeed = {}): Promise<RouteTestEnv> {
  const t = await openTestDb();
  process.env.DATA_DIR = t.dataDir;
  (globalThis as unknown as { __emgDb: unknown }).__emgDb = t.handle;
  const db = t.handle.prisma;
  const users = [];
  for (const u of seed.users ?? []) users.push(await createUser(db, u));
  if (seed.incidents?.length) await db.incident.createMany({ data: seed.incidents });
  return {
    ...t,
    users,
    async cleanup() {
      // No account may outlive a test file: on PostgreSQL the e2e open-mode server starts on this same database next.
      await db.user.deleteMany();
      await t.cleanup();
    },
  };
}

/** Directories under app/ holding `file` ("route.ts", "page.tsx"), as route paths ("s/[token]"; "" for app/ itself). */
export function findInApp(file: string): string[] {
  return (readdirSync(APP, { recursive: true }) as string[])
    .filter((p) => path.basename(p) === file)
    .map((p) => path.dirname(p).split(path.sep).join("/"))
    .map((p) => (p === "." ? "" : p))
    .sort();
}

/** The module of `app/<route>/route.ts`, by its route directory ("s/[token]"). */
export async function routeModule(route: string): Promise<Record<string, Handler | undefined>> {
  return import(/* @vite-ignore */ path.join(APP, route, "route.ts"));
}

/** Calls a route handler as Next would: a JSON request from the client address `ip` (as scripts/peer-address.mjs marks it). */
export async function hit(
  route: string,
  method: string,
  opts: { ip: string; params?: Params; body?: unknown; url?: string; headers?: Record<string, string> },
): Promise<Response> {
  const handler = (await routeModule(route))[method];
  if (!handler) throw new Error(`${method} /${route} has no handler`);
  const req = new Request(opts.url ?? `http://127.0.0.1/${route}`, {
    method,
    headers: { "content-type": "application/json", host: "127.0.0.1", [PEER_HEADER]: opts.ip, ...opts.headers },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  return handler(req, { params: Promise.resolve(opts.params ?? {}) });
}
