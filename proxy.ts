import { NextResponse, type NextRequest } from "next/server";
import { crossSiteRefusal } from "@/lib/auth/csrf";

/** Refuses state-changing requests another site's page makes the browser send (see lib/auth/csrf.ts). */
export function proxy(request: NextRequest) {
  const why = crossSiteRefusal(request.method, request.headers);
  if (!why) return NextResponse.next();
  return NextResponse.json({ error: { code: "cross_site", message: `Refused ${why}.` } }, { status: 403 });
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
