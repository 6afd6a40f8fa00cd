import { NextResponse } from "next/server";
import { cookies } from "next/headers";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { endSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { SHARE_COOKIE } from "@/lib/auth/share-links";

/** Ends the session (its row is deleted) and drops both cookies; a form post lands on the sign-in page. */
export const POST = route({ access: "public" }, async ({ req }) => {
  const jar = await cookies();
  await endSession(app().db, jar.get(SESSION_COOKIE)?.value);
  const wantsJson = (req.headers.get("accept") ?? "").includes("application/json");
  const res = wantsJson
    ? NextResponse.json({ ok: true })
    : new NextResponse(null, { status: 303, headers: { location: "/signin" } });
  res.cookies.delete(SESSION_COOKIE);
  res.cookies.delete(SHARE_COOKIE);
  return res;
});
