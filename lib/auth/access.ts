import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { sessionUser, SESSION_COOKIE } from "./sessions";
import { findShareLink, SHARE_COOKIE } from "./share-links";
import { teamMode } from "./users";
import type { Role } from "./roles";
import { openModeListener, setupRequiredMessage } from "./listener";

/**
 * Who is looking, and what they may do. Every route handler and page that touches an incident goes
 * through here, so sharing rules live in one place.
 *
 * - `open`: no accounts exist; the app listens on localhost only and the one person has every right.
 * - `user`: a signed-in engineer of a team deployment (admins also manage engineers).
 * - `share`: a visitor holding a read-only share link for exactly one incident.
 * - `anonymous`: nobody; in team mode sees nothing but the sign-in page and links.
 * - `setup`: no account exists but the server listens beyond localhost: nobody may do anything (lib/auth/listener.ts).
 */
export type Viewer =
  | { kind: "open" }
  | { kind: "user"; userId: string; email: string; role: Role }
  | { kind: "share"; linkId: string; incidentId: string; allowDownload: boolean }
  | { kind: "anonymous" }
  | { kind: "setup" };

/** Thrown by the guards; `errorResponse` (lib/api/errors.ts) turns it into the API's error shape. */
export class AccessDenied extends ApiError {
  constructor(status: 401 | 403 | 404 | 503, code: string, message: string) {
    super(status, code, message);
  }
}

/**
 * The viewer of the current request: open mode when no account exists; else the session cookie's
 * engineer; else the share cookie's link (checked on every request, so revocation and expiry bite at
 * once); else anonymous. Memoized per request.
 */
export const currentViewer = cache(async (): Promise<Viewer> => {
  // Cookies first: it marks the render as per-request, so nothing is prerendered at build time (no database then).
  const jar = await cookies();
  const database = db();
  if (!(await teamMode(database))) return openModeListener() ? { kind: "open" } : { kind: "setup" };
  const user = await sessionUser(database, jar.get(SESSION_COOKIE)?.value);
  if (user) return { kind: "user", userId: user.id, email: user.email, role: user.role };
  const link = await findShareLink(database, jar.get(SHARE_COOKIE)?.value);
  if (link) return { kind: "share", linkId: link.id, incidentId: link.incidentId, allowDownload: link.allowDownload };
  return { kind: "anonymous" };
});

/** May change things (upload, edit, answer, share, delete): open mode or a signed-in engineer. */
export function canEdit(v: Viewer): boolean {
  return v.kind === "open" || v.kind === "user";
}

/** Manages accounts: an admin, or the one person of open mode (who may create the first admin). */
export function isAdmin(v: Viewer): boolean {
  return v.kind === "open" || (v.kind === "user" && v.role === "admin");
}

/** May download the raw files of an incident already readable by this viewer. */
export function canDownload(v: Viewer): boolean {
  return canEdit(v) || (v.kind === "share" && v.allowDownload);
}

const setupRequired = () => new AccessDenied(503, "setup_required", setupRequiredMessage());

/** Read access to one incident (its analysis, logs, connections, exports). Unknown and forbidden both answer 404. */
export async function requireIncidentRead(incidentId: string): Promise<Viewer> {
  const v = await currentViewer();
  if (v.kind === "setup") throw setupRequired();
  if (canEdit(v) || (v.kind === "share" && v.incidentId === incidentId)) return v;
  throw new AccessDenied(404, "not_found", "No such incident.");
}

/** Anything that changes state, or lists across incidents. */
export async function requireEngineer(): Promise<Viewer> {
  const v = await currentViewer();
  if (canEdit(v)) return v;
  if (v.kind === "setup") throw setupRequired();
  throw new AccessDenied(
    v.kind === "share" ? 403 : 401,
    v.kind === "share" ? "forbidden" : "sign_in_required",
    "Sign in to do this.",
  );
}

/** Account management. */
export async function requireAdmin(): Promise<Viewer> {
  const v = await requireEngineer();
  if (isAdmin(v)) return v;
  throw new AccessDenied(403, "forbidden", "Only an admin can manage accounts.");
}

const signInUrl = (next: string) => `/signin?next=${encodeURIComponent(next)}`;

/** Pages: the viewer if they may read this incident; anonymous goes to sign-in, anyone else gets the 404 page. */
export async function pageIncidentAccess(incidentId: string): Promise<Viewer> {
  const v = await currentViewer();
  if (canEdit(v) || (v.kind === "share" && v.incidentId === incidentId)) return v;
  if (v.kind === "anonymous" || v.kind === "setup") redirect(signInUrl(`/incidents/${incidentId}`));
  notFound();
}

/** Pages for engineers only (incident list, upload links, admin): sign-in for anonymous, 404 for a share visitor. */
export async function pageEngineer(path: string): Promise<Viewer> {
  const v = await currentViewer();
  if (canEdit(v)) return v;
  if (v.kind === "anonymous" || v.kind === "setup") redirect(signInUrl(path));
  notFound();
}
