import { env } from "@/lib/env";
import { isLoopbackName, parseHost } from "./hosts";

/**
 * Open mode (no accounts, no sign-in) is served only when the server listens on this machine alone. If the last
 * account disappears from a server listening on HOST=0.0.0.0 (or a LAN address), nobody gets open mode: every
 * request is answered with setup_required until an admin exists again.
 */
export function openModeListener(host: string = env().HOST): boolean {
  const h = parseHost(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  return !!h && isLoopbackName(h.hostname);
}

export const setupRequiredMessage = (host: string = env().HOST) =>
  `No account exists, and open mode (no sign-in) is only served on localhost, but this server listens on ${host}. ` +
  "Create an admin on the server: npm run admin -- create-admin you@example.com (or restart with ADMIN_EMAIL and ADMIN_PASSWORD set).";
