/**
 * Cross-site request refusal for state-changing requests. Session cookies are SameSite=Lax, but open mode
 * has no cookie at all, so a page on another site could otherwise make the browser POST to localhost.
 * Browsers say where a request comes from (Sec-Fetch-Site; older ones only Origin); scripts like curl
 * send neither and are let through (they are not a browser carrying someone's rights).
 */
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossSiteRefusal(method: string, headers: Headers): string | null {
  if (SAFE.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site) return site === "cross-site" ? `a ${method} from another site (Sec-Fetch-Site: cross-site)` : null;
  const origin = headers.get("origin");
  if (!origin) return null;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `a ${method} with an unreadable Origin`;
  }
  const hosts = [headers.get("host"), headers.get("x-forwarded-host")].filter(Boolean);
  return hosts.includes(originHost) ? null : `a ${method} from ${origin}`;
}
