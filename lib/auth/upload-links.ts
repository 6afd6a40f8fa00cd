import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { hashToken, newToken, plausibleToken } from "./tokens";

export const uploadPath = (token: string) => `/u/${token}`;

export async function createUploadLink(
  db: Db,
  opts: { label: string; expiresAt: Date; maxUses: number; createdById?: string | null },
) {
  const token = newToken();
  const link = await db.uploadLink.create({
    data: {
      id: `upl_${randomBytes(9).toString("base64url")}`,
      tokenHash: hashToken(token),
      label: opts.label,
      expiresAt: opts.expiresAt,
      maxUses: opts.maxUses,
      createdById: opts.createdById ?? null,
    },
  });
  return { token, link };
}

/** The usable link a token names (not expired, not revoked, uses left), or null. Does not consume a use. */
export async function findUploadLink(db: Db, token: string | undefined) {
  if (!token || !plausibleToken(token)) return null;
  const l = await db.uploadLink.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!l || l.revokedAt || l.expiresAt.getTime() <= Date.now() || l.uses >= l.maxUses) return null;
  return { id: l.id, label: l.label, expiresAt: l.expiresAt, usesLeft: l.maxUses - l.uses };
}

/**
 * Takes one use of the link atomically (concurrent uploads cannot exceed maxUses); null when the token
 * is unknown, expired, revoked or used up.
 */
export async function consumeUploadLink(db: Db, token: string): Promise<{ id: string; label: string } | null> {
  if (!plausibleToken(token)) return null;
  const rows = await db.$queryRaw<Array<{ id: string; label: string }>>`
    UPDATE "UploadLink" SET uses = uses + 1
    WHERE "tokenHash" = ${hashToken(token)} AND "revokedAt" IS NULL AND "expiresAt" > now() AND uses < "maxUses"
    RETURNING id, label`;
  return rows[0] ?? null;
}

/** Gives a use back when the upload it was taken for failed. */
export async function releaseUploadLink(db: Db, id: string) {
  await db.$executeRaw`UPDATE "UploadLink" SET uses = uses - 1 WHERE id = ${id} AND uses > 0`;
}

export async function listUploadLinks(db: Db) {
  const rows = await db.uploadLink.findMany({
    where: { revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      label: true,
      createdAt: true,
      expiresAt: true,
      maxUses: true,
      uses: true,
      _count: { select: { incidents: true } },
    },
  });
  return rows.map(({ _count, ...r }) => ({
    ...r,
    incidents: _count.incidents,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}
export type UploadLinkItem = Awaited<ReturnType<typeof listUploadLinks>>[number];

export async function revokeUploadLink(db: Db, id: string): Promise<boolean> {
  const r = await db.uploadLink.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return r.count > 0;
}
