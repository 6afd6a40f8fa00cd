import { env, type AppEnv } from "@/lib/env";

/**
 * Which host names this server answers for. A DNS-rebinding page (evil.example resolved to 127.0.0.1) talks to us
 * as a same-origin page of evil.example, so only the Host header tells it apart: localhost names and loopback
 * addresses always pass (any port), plus the listener address, PUBLIC_ORIGIN's host and ALLOWED_HOSTS.
 */
export type HostEnv = Pick<AppEnv, "HOST" | "PUBLIC_ORIGIN" | "ALLOWED_HOSTS" | "TRUST_PROXY">;

const first = (v: string | null) => v?.split(",")[0].trim() || null;

/** The host (`name[:port]`) the browser asked for: Host, or the proxy's X-Forwarded-Host when TRUST_PROXY=1. */
export function effectiveHost(headers: Headers, e: HostEnv = env()): string | null {
  return (e.TRUST_PROXY === "1" && first(headers.get("x-forwarded-host"))) || headers.get("host");
}

export function effectiveProto(headers: Headers, e: HostEnv = env()): "http" | "https" {
  return e.TRUST_PROXY === "1" && first(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
}

/** `{ hostname, host }` of a Host header value, lower-cased, trailing dot dropped; null when unreadable. */
export function parseHost(value: string): { hostname: string; host: string } | null {
  try {
    const u = new URL(`http://${value}`);
    if (u.username || u.password || u.pathname !== "/" || u.search || u.hash) return null;
    const hostname = u.hostname.replace(/\.$/, "");
    return { hostname, host: u.port ? `${hostname}:${u.port}` : hostname };
  } catch {
    return null;
  }
}

export function isLoopbackName(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname === "[::1]"
  );
}

/** Host names (and `name:port`s) allowed beside the loopback ones; "*" means any. */
export function allowedHosts(e: HostEnv = env()): string[] {
  const names = e.ALLOWED_HOSTS.split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (e.PUBLIC_ORIGIN) names.push(new URL(e.PUBLIC_ORIGIN).host);
  // A server bound to one address answers for it (HOST=10.0.0.5); 0.0.0.0 / :: name no host.
  const listener = parseHost(e.HOST.includes(":") && !e.HOST.startsWith("[") ? `[${e.HOST}]` : e.HOST);
  if (listener && !["0.0.0.0", "[::]"].includes(listener.hostname)) names.push(listener.hostname);
  return names;
}

/** Why a request for this host is refused, or null when the server answers for it. */
export function hostRefusal(headers: Headers, e: HostEnv = env()): string | null {
  const allowed = allowedHosts(e);
  if (allowed.includes("*")) return null;
  const raw = effectiveHost(headers, e);
  if (!raw) return "a request without a Host header";
  const h = parseHost(raw);
  if (!h) return `an unreadable Host header`;
  if (isLoopbackName(h.hostname) || allowed.includes(h.hostname) || allowed.includes(h.host)) return null;
  return `a request for host "${h.host}": this server answers only for localhost${allowed.length ? `, ${allowed.join(", ")}` : ""} (set ALLOWED_HOSTS or PUBLIC_ORIGIN to add a name)`;
}

/** This server's origin for links handed out: PUBLIC_ORIGIN when set, else what the (allowed) Host names. */
export function thisOrigin(headers: Headers, e: HostEnv = env()): string {
  return e.PUBLIC_ORIGIN ?? `${effectiveProto(headers, e)}://${effectiveHost(headers, e) ?? "localhost"}`;
}
