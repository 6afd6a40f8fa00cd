import { env } from "@/lib/env";
import { effectiveHost, parseHost, type HostEnv } from "./hosts";

/**
 * State-changing requests are accepted only from this origin. Open mode has no cookie at all, so any page the
 * browser shows could otherwise make it POST here: another site, but also another port of the same host
 * (Sec-Fetch-Site: same-site). Browsers say where a request comes from (Sec-Fetch-Site; older ones only
 * Origin); scripts like curl send neither and are let through (they are not a browser carrying someone's rights).
 */
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossSiteRefusal(method: string, headers: Headers, e: HostEnv = env()): string | null {
  if (SAFE.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    const from = site === "same-site" ? "another port or subdomain of this site" : "another site";
    return `a ${method} from ${from} (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.get("origin");
  if (!origin) return null;
  let originHost: string | undefined;
  try {
    originHost = parseHost(new URL(origin).host)?.host;
  } catch {
    /* "null" (sandboxed frames, file:) and other unreadable values */
  }
  if (!originHost) return `a ${method} with an unreadable Origin (${origin.slice(0, 100)})`;
  const ours = [effectiveHost(headers, e), e.PUBLIC_ORIGIN && new URL(e.PUBLIC_ORIGIN).host].flatMap((h) =>
    h ? [parseHost(h)?.host] : [],
  );
  return ours.includes(originHost) ? null : `a ${method} from ${origin.slice(0, 100)}`;
}
