import "server-only";
import { notFound } from "next/navigation";

/**
 * Who is looking, and what they may do. Every route handler and page that touches an incident goes
 * through here, so sharing rules live in one place.
 *
 * - `open`: no accounts exist; the app listens on localhost only and the one person has every right.
 * - `user`: a signed-in engineer of a team deployment (admins also manage engineers).
 * - `share`: a visitor holding a read-only share link for exactly one incident.
 * - `anonymous`: nobody; in team mode sees nothing but the sign-in page and links.
 *
 * STUB (open mode only) until the accounts work lands; the signatures are the contract.
 */
export type Viewer =
  | { kind: "open" }
  | { kind: "user"; userId: string; email: string; role: "admin" | "engineer" }
  | { kind: "share"; linkId: string; incidentId: string; allowDownload: boolean }
  | { kind: "anonymous" };

/** Thrown by the guards; `handleApiError` turns it into the API's error shape. */
export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function currentViewer(): Promise<Viewer> {
  return { kind: "open" };
}

/** May change things (upload, edit, answer, share, delete): open mode or a signed-in engineer. */
export function canEdit(v: Viewer): boolean {
  return v.kind === "open" || v.kind === "user";
}

/** Read access to one incident (its analysis, logs, connections, exports). Unknown and forbidden both answer 404. */
export async function requireIncidentRead(incidentId: string): Promise<Viewer> {
  const v = await currentViewer();
  if (canEdit(v) || (v.kind === "share" && v.incidentId === incidentId)) return v;
  throw new AccessDenied(404, "not_found", "No such incident.");
}

/** Anything that changes state, or lists across incidents. */
export async function requireEngineer(): Promise<Viewer> {
  const v = await currentViewer();
  if (canEdit(v)) return v;
  throw new AccessDenied(v.kind === "share" ? 403 : 401, v.kind === "share" ? "forbidden" : "sign_in_required", "Sign in to do this.");
}

/** Pages: the viewer if they may read this incident, else the 404 page. */
export async function pageIncidentAccess(incidentId: string): Promise<Viewer> {
  try {
    return await requireIncidentRead(incidentId);
  } catch {
    notFound();
  }
}
