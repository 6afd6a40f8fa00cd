import "server-only";
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
 * Runs a token lookup under the failed-token limiter. The lookup always runs: a valid link (256 random bits,
 * never guessed) works whatever others did, from any address. A miss counts against this client's budget and
 * answers 404, or 429 once that budget is used up.
 */
export async function limitedLookup<T>(
  req: Request,
  lookup: () => Promise<T | null>,
): Promise<{ ok: true; value: T } | { ok: false; res: NextResponse }> {
  const value = await lookup();
  if (value !== null) return { ok: true, value };
  const ip = clientIp(req.headers);
  const limit = limiter(db(), "token");
  if ((await limit.fail(ip)) === "over") return { ok: false, res: tooManyAttempts(await limit.retryAfterS(ip)) };
  return { ok: false, res: linkNotFound() };
}
