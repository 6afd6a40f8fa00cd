// Loaded into the server process (`node --import`, see scripts/start.mjs) before Next. Next hands a route its body
// as a web stream that copies every chunk of the Node request (undici's ReadableStreamFrom), and on a large upload
// those copies and the garbage collections they drive cost as much as hashing it (docs/benchmark.md). So every
// request that may carry a body is registered here under a random token, named in x-emg-body (a client's own value
// is replaced), and the upload routes read the Node request itself (lib/ingest/request-body.ts).
import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";

export const BODY_HEADER = "x-emg-body";
const bodies = (globalThis[Symbol.for("emg.requestBodies")] ??= new Map());

export function registerBody({ request }) {
  delete request.headers[BODY_HEADER];
  if (request.method !== "POST" && request.method !== "PUT") return;
  const token = randomBytes(16).toString("hex");
  request.headers[BODY_HEADER] = token;
  bodies.set(token, request);
  request.once("close", () => bodies.delete(token));
}

subscribe("http.server.request.start", registerBody);
