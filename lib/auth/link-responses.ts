import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { clientIp, limiter } from "./rate-limit";

/** One answer for unknown, expired, revoked and used-up tokens: it says nothing about what the link was. */
export function linkNotFound(): NextResponse {
  return new NextResponse(
    `<!doctype html><meta charset="utf-8"><title>Not found</title><body style="font-family:system-ui;margin:3rem"><h1>Not found</h1><p>This link does not exist or is no longer valid.</p></body>`,
    { status: 404, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

export function tooManyAttempts(retryAfterS: number): NextResponse {
  return new NextResponse("Too many invalid links from this address. Wait a few minutes and try again.", {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(retryAfterS) },
  });
}

/**
 * Runs a token lookup under the failed-token limiter: 429 once this client has failed too often,
 * a counted failure when the lookup finds nothing.
 */
export async function limitedLookup<T>(req: Request, lookup: () => Promise<T | null>): Promise<{ ok: true; value: T } | { ok: false; res: NextResponse }> {
  const ip = clientIp(req.headers);
  const limit = limiter(db(), "token");
  if (await limit.blocked(ip)) return { ok: false, res: tooManyAttempts(await limit.retryAfterS(ip)) };
  const value = await lookup();
  if (value === null) {
    await limit.fail(ip);
    return { ok: false, res: linkNotFound() };
  }
  return { ok: true, value };
}
