import { thisOrigin } from "./hosts";

/** The origin for links this server hands out: PUBLIC_ORIGIN, else the (allowed) host the browser used. */
export function requestOrigin(req: Request): string {
  return thisOrigin(req.headers);
}
