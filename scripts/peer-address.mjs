// Loaded into the server process (`node --import`, see scripts/start.mjs) before Next: on every HTTP request it
// records the socket's address in x-emg-peer (lib/auth/peer.ts) and, unless TRUST_PROXY=1, drops the forwarded
// headers a client wrote itself, so Next fills X-Forwarded-For/-Host/-Proto from the socket and nothing can
// pose as another address, host or scheme. Node publishes this channel just before the `request` event.
import { subscribe } from "node:diagnostics_channel";

export const PEER_HEADER = "x-emg-peer";
const FORWARDED = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "forwarded",
];

export function markPeer({ request, socket }) {
  const h = request.headers;
  if (process.env.TRUST_PROXY !== "1") for (const name of FORWARDED) delete h[name];
  h[PEER_HEADER] = socket?.remoteAddress ?? "";
}

subscribe("http.server.request.start", markPeer);
