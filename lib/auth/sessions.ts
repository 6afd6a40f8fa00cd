import "server-only";
import type { Db } from "@/lib/db/client";
import { hashToken, newToken, plausibleToken } from "./tokens";
import { readRole } from "./roles";

export const SESSION_COOKIE = "emg_session";
/** Sessions last 12 hours from sign-in (fixed, not sliding): a working day, then sign in again. */
export const SESSION_TTL_MS = 12 * 3600_000;

/** Starts a session; the returned token goes into the cookie, only its hash into the database. */
export async function createSession(db: Db, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
  // Housekeeping: expired sessions of anyone are useless rows.
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

export async function sessionUser(db: Db, token: string | undefined) {
  if (!token || !plausibleToken(token)) return null;
  const s = await db.session.findUnique({
    where: { id: hashToken(token) },
    select: { expiresAt: true, user: { select: { id: true, email: true, role: true } } },
  });
  if (!s || s.expiresAt.getTime() <= Date.now()) return null;
  return { ...s.user, role: readRole(s.user.role) };
}

export async function endSession(db: Db, token: string | undefined) {
  if (token && plausibleToken(token)) await db.session.deleteMany({ where: { id: hashToken(token) } });
}

/** Cookie attributes shared by the session and share cookies. */
export function cookieOptions(secure: boolean, expires?: Date) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", ...(expires ? { expires } : {}) };
}

/** Secure cookies when the browser talks https (directly or through a proxy that says so). */
export function isHttps(headers: Headers): boolean {
  return (headers.get("x-forwarded-proto") ?? "").split(",")[0].trim() === "https";
}
