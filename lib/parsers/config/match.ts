/**
 * Which proxy served a request: the proxy whose `base_path` is the longest prefix of the
 * request path, on a path-segment boundary (`/orders` matches `/orders/1`, not `/ordersX`).
 */
import type { GatewayConfig, GatewayProxy } from "./types";

function normalizePath(p: string): string {
  let s = p.trim();
  const cut = s.search(/[?#]/);
  if (cut >= 0) s = s.slice(0, cut);
  if (!s.startsWith("/")) s = `/${s}`;
  return s;
}

/** `url` is the log's URL field (no leading slash, may carry a query); a leading slash is fine too. */
export function matchProxy(config: Pick<GatewayConfig, "proxies">, url: string): GatewayProxy | null {
  const path = normalizePath(url);
  let best: GatewayProxy | null = null;
  let bestLen = -1;
  for (const p of config.proxies) {
    let base = normalizePath(p.base_path);
    if (base.length > 1 && base.endsWith("/")) base = base.slice(0, -1);
    const hit = base === "/" || path === base || path.startsWith(`${base}/`);
    if (hit && base.length > bestLen) {
      best = p;
      bestLen = base.length;
    }
  }
  return best;
}
