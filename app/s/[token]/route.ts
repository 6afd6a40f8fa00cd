import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { visitShareLink, SHARE_COOKIE } from "@/lib/auth/share-links";
import { cookieOptions, isHttps } from "@/lib/auth/sessions";
import { limitedLookup } from "@/lib/auth/link-responses";
import { incidentUrl } from "@/lib/incidents/view";

/**
 * A share link's entry: counts the view, keeps the token in an httpOnly cookie (so every incident page
 * and read API works for this visitor) and redirects to the incident. Bad tokens: a bare 404 (the token is the access).
 */
export const GET = route({ access: "public" }, async ({ req, params: { token } }) => {
  const found = await limitedLookup(req, () => visitShareLink(app().db, token));
  if (!found.ok) return found.res;
  const res = new NextResponse(null, {
    status: 303,
    headers: {
      location: incidentUrl(found.value.incidentId),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
  res.cookies.set(SHARE_COOKIE, token, cookieOptions(isHttps(req.headers), found.value.expiresAt ?? undefined));
  return res;
});
