import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { crossSiteRefusal } from "./csrf";
import { hostRefusal, type HostEnv } from "./hosts";

/**
 * The one gate every request passes (proxy.ts; the upload routes, which proxy.ts leaves out, call it first):
 * a host name this server does not answer for gets 421, a state-changing request from another origin 403.
 */
export function requestRefusal(req: { method: string; headers: Headers }, e: HostEnv = env()): NextResponse | null {
  const badHost = hostRefusal(req.headers, e);
  if (badHost) return refusal(421, "unknown_host", `Refused ${badHost}.`);
  const crossSite = crossSiteRefusal(req.method, req.headers, e);
  if (crossSite) return refusal(403, "cross_site", `Refused ${crossSite}.`);
  return null;
}

// Not apiError (lib/api/errors.ts): that pulls the page-side access code into proxy.ts.
const refusal = (status: number, code: string, message: string) =>
  NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
