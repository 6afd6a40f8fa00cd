import "server-only";
import type { Db } from "@/lib/db/client";
import { hashToken, plausibleToken } from "./tokens";

/**
 * Why a known upload link cannot be used, or null for a token that names no link. The customer who opens a link
 * they already used deserves "this link has been used", not a page saying nothing exists; a token that names no
 * link still gets the plain 404 (and counts against the rate limit), so guessing learns nothing new.
 */
export async function unusableUploadLink(
  db: Db,
  token: string,
): Promise<{ reason: "used" | "expired" | "revoked"; label: string; uses: number } | null> {
  if (!plausibleToken(token)) return null;
  const l = await db.uploadLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { label: true, uses: true, maxUses: true, expiresAt: true, revokedAt: true },
  });
  if (!l) return null;
  const reason = l.revokedAt
    ? "revoked"
    : l.expiresAt.getTime() <= Date.now()
      ? "expired"
      : l.uses >= l.maxUses
        ? "used"
        : null;
  return reason ? { reason, label: l.label, uses: l.uses } : null;
}
