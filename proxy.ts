import { NextResponse, type NextRequest } from "next/server";
import { requestRefusal } from "@/lib/auth/request-guard";

/** Refuses unknown host names (DNS rebinding) and state-changing requests from other origins: lib/auth/request-guard.ts. */
export function proxy(request: NextRequest) {
  // Load balancers probe instances by address (Host: 10.0.0.5:3000); the health answer holds no data.
  if (request.nextUrl.pathname === "/api/health") return NextResponse.next();
  return requestRefusal(request) ?? NextResponse.next();
}

// Next buffers the body of every request a proxy sees and cuts it off at 10 MB: the two upload routes (bundles of
// up to MAX_UPLOAD_BYTES) are left out and run the same gate through route({ gate: true }) (lib/api/route.ts).
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|api/incidents$|u/[^/]+/upload$).*)"] };
