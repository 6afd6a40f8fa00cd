import { NextResponse } from "next/server";
import { z, ZodError } from "zod";

/**
 * The API's one error shape. A leaf module (zod and next/server only): domain errors extend `ApiError`, so this file
 * needs to know none of them, and proxy.ts can build its refusals here without pulling in the database.
 */
export const ApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** An expected failure: its status, a stable code for clients, a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly opts: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const notFound = (message = "No such incident.") => new ApiError(404, "not_found", message);

/** The one place any thrown value becomes a response: `{ error: { code, message, details? } }`. */
export function errorResponse(e: unknown): NextResponse {
  if (e instanceof ApiError)
    return respond(e.status, { code: e.code, message: e.message, details: e.opts.details }, e.opts.headers);
  // A schema parse the wrapper did not own (a domain function validating what the request brought).
  if (e instanceof ZodError)
    return respond(422, { code: "invalid_input", message: "The request is not valid.", details: e.issues });
  const ref = Math.random().toString(36).slice(2, 10);
  console.error(`[api] unexpected error ref=${ref}`, e);
  return respond(500, { code: "internal", message: `Something went wrong on the server (ref ${ref}).` });
}

function respond(status: number, { details, ...rest }: ApiErrorBody["error"], headers?: Record<string, string>) {
  const body: ApiErrorBody = { error: { ...rest, ...(details === undefined ? {} : { details }) } };
  return NextResponse.json(body, { status, headers });
}
