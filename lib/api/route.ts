import "server-only";
import type { z } from "zod";
import { app } from "@/lib/server/app";
import { ApiError, errorResponse, notFound } from "@/lib/api/errors";
import { requireAdmin, requireEngineer, requireIncidentRead, type Viewer } from "@/lib/auth/access";
import { requestRefusal } from "@/lib/auth/request-guard";
import { queryInput } from "@/lib/explore/schema";

/**
 * The one way into every route handler (in the spirit of dub's `withWorkspace`): it awaits the params, checks
 * access, parses query and body with their zod schemas, loads the incident, runs the handler and turns anything
 * thrown into the API's one error shape (lib/api/errors.ts). Route files hold no try/catch of their own.
 */
export interface RouteSpec {
  /**
   * `public`: no viewer check (health, sign-in, token links: their own logic). `read`: may read incident `{id}`.
   * `edit`: open mode or a signed-in engineer. `admin`: manages accounts.
   */
  access: "public" | "read" | "edit" | "admin";
  /** Load incident `{id}` (after access): 404 "No such incident." when it does not exist. */
  incident?: boolean;
  /** Search parameters (empty values dropped) parsed with this schema: 422 `invalid_input` when they do not fit. */
  query?: z.ZodType;
  /**
   * A JSON body parsed with this schema: 400 `empty_body` / `invalid_json`, 422 `invalid_input`. Without it the
   * wrapper never touches the body (the upload routes stream theirs).
   */
  body?: z.ZodType;
  /** Paths proxy.ts leaves out (upload bodies): the same host / origin gate, before anything else. */
  gate?: boolean;
}

export type IncidentRef = { id: string; title: string };
type Params = Record<string, string>;

export interface RouteContext<S extends RouteSpec> {
  req: Request;
  params: Params;
  viewer: S["access"] extends "public" ? null : Viewer;
  incident: S["incident"] extends true ? IncidentRef : null;
  query: S["query"] extends z.ZodType ? z.output<S["query"]> : undefined;
  body: S["body"] extends z.ZodType ? z.output<S["body"]> : undefined;
}

export type RouteHandler = (req: Request, ctx: { params: Promise<Params> }) => Promise<Response>;

/** Which handler was built from which spec: the route tests find every body-taking handler through this. */
const specs = new WeakMap<RouteHandler, RouteSpec>();
export const routeSpecOf = (handler: unknown): RouteSpec | undefined => specs.get(handler as RouteHandler);

export function route<const S extends RouteSpec>(
  spec: S,
  handler: (ctx: RouteContext<S>) => Promise<Response> | Response,
): RouteHandler {
  const built: RouteHandler = async (req, ctx) => {
    try {
      if (spec.gate) {
        const refused = requestRefusal(req);
        if (refused) return refused;
      }
      const params = (await ctx.params) ?? {};
      const viewer = await checkAccess(spec.access, params);
      const query = spec.query
        ? parse(spec.query, queryInput(new URL(req.url).searchParams), "The query is not valid.")
        : undefined;
      const body = spec.body ? parse(spec.body, await readJson(req), "The request body is not valid.") : undefined;
      const incident = spec.incident ? await loadIncident(params.id) : null;
      return await handler({ req, params, viewer, incident, query, body } as RouteContext<S>);
    } catch (e) {
      return errorResponse(e);
    }
  };
  specs.set(built, spec);
  return built;
}

async function checkAccess(access: RouteSpec["access"], params: Params): Promise<Viewer | null> {
  switch (access) {
    case "public":
      return null;
    case "read":
      if (!params.id) throw new Error("access 'read' needs an {id} route segment");
      return requireIncidentRead(params.id);
    case "edit":
      return requireEngineer();
    case "admin":
      return requireAdmin();
  }
}

async function loadIncident(id: string | undefined): Promise<IncidentRef> {
  if (!id) throw new Error("incident: true needs an {id} route segment");
  const found = await app().db.incident.findUnique({ where: { id }, select: { id: true, title: true } });
  if (!found) throw notFound();
  return found;
}

// Read whole, then parsed: a truncated or missing body is an error, never the schema's defaults.
async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") throw new ApiError(400, "empty_body", "The request has no body; send JSON.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not JSON.");
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown, message: string): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ApiError(422, "invalid_input", message, { details: r.error.issues });
  return r.data;
}

/** A segment Next may hand over still percent-encoded (an encoded "/" in a correlation id); a malformed escape stays as sent. */
export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
