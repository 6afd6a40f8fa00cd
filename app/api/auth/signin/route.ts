import { NextResponse } from "next/server";
import { z } from "zod";
import { app } from "@/lib/server/app";
import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { checkCredentials } from "@/lib/auth/signin";
import { cookieOptions, createSession, isHttps, SESSION_COOKIE } from "@/lib/auth/sessions";
import { SHARE_COOKIE } from "@/lib/auth/share-links";
import { clientIp, limiter } from "@/lib/auth/rate-limit";

const SignIn = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) });

/** `POST {email, password}` → 200 and the session cookie; 401 for wrong credentials; 429 after too many. */
export const POST = route({ access: "public", body: SignIn }, async ({ req, body }) => {
  const ip = clientIp(req.headers);
  const { db } = app();
  const limit = limiter(db, "signin");
  // The try is taken from this address's budget before the password is checked (parallel tries cannot all
  // pass), and given back when it was right. Only this address's own failures can refuse it.
  const attempt = await limit.attempt(ip);
  if (attempt === null) {
    const headers = { "retry-after": String(await limit.retryAfterS(ip)) };
    throw new ApiError(
      429,
      "rate_limited",
      "Too many failed sign-ins from this address. Wait a few minutes and try again.",
      { headers },
    );
  }
  const user = await checkCredentials(db, body.email, body.password);
  if (!user) throw new ApiError(401, "bad_credentials", "Wrong email or password.");
  await limit.succeeded(attempt);
  const { token, expiresAt } = await createSession(db, user.id);
  const res = NextResponse.json({ email: user.email, role: user.role });
  res.cookies.set(SESSION_COOKIE, token, cookieOptions(isHttps(req.headers), expiresAt));
  // An engineer signing in no longer needs a share visitor's cookie.
  res.cookies.delete(SHARE_COOKIE);
  return res;
});
