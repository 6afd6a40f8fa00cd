import { createHash, randomBytes } from "node:crypto";

/** Bytes of randomness in every share, upload and session token (256 bits, well over the 128 required). */
export const TOKEN_BYTES = 32;

/** A fresh bearer token: 32 random bytes, base64url (43 characters, no padding). */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** What the database stores instead of a token: its SHA-256, hex. A leaked table grants nothing. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Cheap shape check so obviously malformed tokens never reach the database. */
export function plausibleToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
