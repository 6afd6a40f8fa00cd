import type { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { crossSiteRefusal } from "./csrf";
import { hostRefusal, type HostEnv } from "./hosts";

/**
 * The one gate every request passes (proxy.ts; the upload routes, which proxy.ts leaves out, through the route
 * wrapper's `gate`): a host name this server does not answer for gets 421, a state-changing request from another
 * origin 403. Answered with the API's one error builder (lib/api/errors.ts, which imports nothing of ours).
 */
export function requestRefusal(req: { method: string; headers: Headers }, e: HostEnv = env()): NextResponse | null {
  const badHost = hostRefusal(req.headers, e);
  if (badHost) return refusal(421, "unknown_host", `Refused ${badHost}.`);
  const crossSite = crossSiteRefusal(req.method, req.headers, e);
  if (crossSite) return refusal(403, "cross_site", `Refused ${crossSite}.`);
  return null;
}

const refusal = (status: number, code: string, message: string) =>
  errorResponse(new ApiError(status, code, message, { headers: { "cache-control": "no-store" } }));
