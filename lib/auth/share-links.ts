import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { hashToken, newToken, plausibleToken } from "./tokens";

export const SHARE_COOKIE = "emg_share";
export const sharePath = (token: string) => `/s/${token}`;

export interface NewShareLink {
  label?: string;
  /** null: never expires. */
  expiresAt?: Date | null;
  allowDownload?: boolean;
  createdById?: string | null;
}

/** Creates a read-only link to one incident; the token is returned once and only its hash is kept. */
export async function createShareLink(db: Db, incidentId: string, opts: NewShareLink = {}) {
  const token = newToken();
  const link = await db.shareLink.create({
    data: {
      id: `shl_${randomBytes(9).toString("base64url")}`,
      incidentId,
      tokenHash: hashToken(token),
      label: opts.label ?? "",
      expiresAt: opts.expiresAt ?? null,
      allowDownload: opts.allowDownload ?? false,
      createdById: opts.createdById ?? null,
    },
  });
  return { token, link };
}

const isLive = (l: { expiresAt: Date | null; revokedAt: Date | null }, now = Date.now()) =>
  !l.revokedAt && (!l.expiresAt || l.expiresAt.getTime() > now);

/** The live link a token names, or null (unknown, expired and revoked look the same). */
export async function findShareLink(db: Db, token: string | undefined) {
  if (!token || !plausibleToken(token)) return null;
  const link = await db.shareLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, incidentId: true, allowDownload: true, expiresAt: true, revokedAt: true },
  });
  return link && isLive(link) ? link : null;
}

/** A visit through /s/<token>: counts it and answers the link, or null. */
export async function visitShareLink(db: Db, token: string) {
  const link = await findShareLink(db, token);
  if (!link) return null;
  await db.shareLink.update({
    where: { id: link.id },
    data: { viewCount: { increment: 1 }, lastViewedAt: new Date() },
  });
  return link;
}

/** Active links of an incident (not revoked, not expired), newest first. */
export async function listShareLinks(db: Db, incidentId: string) {
  const rows = await db.shareLink.findMany({
    where: { incidentId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      label: true,
      allowDownload: true,
      createdAt: true,
      expiresAt: true,
      viewCount: true,
      lastViewedAt: true,
    },
  });
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastViewedAt: r.lastViewedAt?.toISOString() ?? null,
  }));
}
export type ShareLinkItem = Awaited<ReturnType<typeof listShareLinks>>[number];

/** Revokes a link of this incident; false when there is no such link. */
export async function revokeShareLink(db: Db, incidentId: string, linkId: string): Promise<boolean> {
  const r = await db.shareLink.updateMany({
    where: { id: linkId, incidentId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return r.count > 0;
}
