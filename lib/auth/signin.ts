import "server-only";
import type { Db } from "@/lib/db/client";
import { dummyHash, verifyPassword } from "./passwords";
import { normalizeEmail } from "./users";
import { readRole } from "./roles";

/** The account these credentials open, or null; unknown emails cost the same scrypt time as wrong passwords. */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, email: true, role: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  return user && ok ? { id: user.id, email: user.email, role: readRole(user.role) } : null;
}
