import { NextResponse, type NextRequest } from "next/server";
import { crossSiteRefusal } from "@/lib/auth/csrf";

/** Refuses state-changing requests another site's page makes the browser send (see lib/auth/csrf.ts). */
export function proxy(request: NextRequest) {
  const why = crossSiteRefusal(request.method, request.headers);
  if (!why) return NextResponse.next();
  return NextResponse.json({ error: { code: "cross_site", message: `Refused ${why}.` } }, { status: 403 });
}

// Next buffers the body of every request a proxy sees and cuts it off at 10 MB: the two upload routes (bundles of
// up to MAX_UPLOAD_BYTES) are left out and make the same check themselves (lib/ingest/upload.ts).
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|api/incidents$|u/[^/]+/upload$).*)"] };
