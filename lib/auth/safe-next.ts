const BASE = "http://this-app.invalid";

/**
 * Where to go after sign-in: only a path of this app. The value is resolved the way a browser resolves it (tabs
 * and newlines removed, `\` read as `/`), so `/%09/evil.example` (→ `//evil.example`) or `/\evil.example` cannot
 * slip out as a protocol-relative URL; the normalized path, query and hash are returned, else "/".
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  let u: URL;
  try {
    u = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (u.origin !== BASE) return "/";
  const path = `${u.pathname}${u.search}${u.hash}`;
  // Belt and braces: what we hand back must itself be a plain same-origin path.
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
