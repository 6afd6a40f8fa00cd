import "server-only";
import type { Db } from "@/lib/db/client";
import { randomBytes } from "node:crypto";
import { ApiError } from "@/lib/api/errors";
import { hashPassword, passwordProblem } from "./passwords";
import { readRole, type Role } from "./roles";

type AccountErrorCode = "invalid_email" | "weak_password" | "email_taken" | "last_admin" | "not_found";
const ACCOUNT_STATUS: Record<AccountErrorCode, number> = {
  invalid_email: 422,
  weak_password: 422,
  email_taken: 409,
  last_admin: 409,
  not_found: 404,
};

/** An account rule broken (also by the admin CLI): the status the API answers it with goes with the code. */
export class AccountError extends ApiError {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(ACCOUNT_STATUS[code], code, message);
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(db: Db, input: { email: string; password: string; role: Role; name?: string }) {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
    throw new AccountError("invalid_email", `"${input.email}" is not an email address.`);
  const weak = passwordProblem(input.password);
  if (weak) throw new AccountError("weak_password", `Password refused: ${weak}`);
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    await lockAccounts(tx);
    if (await tx.user.findUnique({ where: { email }, select: { id: true } }))
      throw new AccountError("email_taken", `${email} already has an account.`);
    // The very first account of a deployment is always an admin, or nobody could manage the others.
    const role: Role = (await tx.user.count()) === 0 ? "admin" : input.role;
    return tx.user.create({
      data: { id: `usr_${randomBytes(9).toString("base64url")}`, email, name: input.name ?? "", role, passwordHash },
      select: { id: true, email: true, role: true, createdAt: true },
    });
  }, ACCOUNTS_TX);
  forgetTeamMode();
  return user;
}

export async function listUsers(db: Db) {
  const users = await db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  return users.map((u) => ({ ...u, role: readRole(u.role) }));
}

/**
 * Removes an account and its sessions; the last admin stays, so the deployment keeps a manager (and never falls
 * back to open mode). Count and delete run under the accounts lock: two admins removing each other at once
 * are serialized, and the second sees that only one admin is left.
 */
export async function removeUser(db: Db, id: string) {
  const user = await db.$transaction(async (tx) => {
    await lockAccounts(tx);
    const user = await tx.user.findUnique({ where: { id }, select: { role: true, email: true } });
    if (!user) throw new AccountError("not_found", "No such account.");
    if (user.role === "admin" && (await tx.user.count({ where: { role: "admin" satisfies Role } })) <= 1) {
      throw new AccountError("last_admin", "The last admin cannot be removed.");
    }
    await tx.user.delete({ where: { id } });
    return user;
  }, ACCOUNTS_TX);
  forgetTeamMode();
  return user;
}

// Account changes queue on one lock; more patience than Prisma's default 2 s wait for a transaction slot.
const ACCOUNTS_TX = { maxWait: 15_000, timeout: 15_000 };

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** A transaction-scoped lock every account change that depends on a count takes first (released at commit). */
async function lockAccounts(tx: Tx) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('emg-accounts'))`;
}

// Team mode iff at least one account exists; asked on every request, so remembered for a few seconds.
const TEAM_MODE_TTL_MS = 5_000;
const globalForMode = globalThis as unknown as { __emgTeamMode?: { value: boolean; at: number } };

export async function teamMode(db: Db): Promise<boolean> {
  const c = globalForMode.__emgTeamMode;
  if (c && Date.now() - c.at < TEAM_MODE_TTL_MS) return c.value;
  const value = (await db.user.count()) > 0;
  globalForMode.__emgTeamMode = { value, at: Date.now() };
  return value;
}

export function forgetTeamMode() {
  globalForMode.__emgTeamMode = undefined;
}
