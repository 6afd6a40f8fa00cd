/** `User.role` and `AuthFailure.kind`, plain string columns: their values defined once, parsed where rows are read. */
import { z } from "zod";

/** An admin also manages the accounts; the first account of a deployment is always one (lib/auth/users.ts). */
export const ROLES = ["admin", "engineer"] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);
/** A User row's role, checked where rows are read: an error names the column. */
const RoleColumn = z.object({ role: RoleSchema });
export const readRole = (role: string): Role => RoleColumn.parse({ role }).role;

/** What a failed try was against: an upload or share link's token, or a sign-in (lib/auth/rate-limit.ts). */
export const AUTH_FAILURE_KINDS = ["token", "signin"] as const;
export type AuthFailureKind = (typeof AUTH_FAILURE_KINDS)[number];
export const AuthFailureKindSchema = z.enum(AUTH_FAILURE_KINDS);
