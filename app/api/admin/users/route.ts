import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { handleApiError } from "@/lib/api/errors";
import { requireAdmin } from "@/lib/auth/access";
import { createUser, listUsers } from "@/lib/auth/users";
import { UserCreate } from "@/lib/api/account-schema";
import { accountErrorResponse } from "@/lib/auth/account-errors";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await requireAdmin();
    return NextResponse.json({ users: await listUsers(app().db) });
  } catch (e) {
    return handleApiError(e);
  }
}

/** `{ email, password, role? }` → 201 `{ user }`. The first account of a deployment is always an admin. */
export async function POST(req: Request) {
  try {
    await requireAdmin();
    const body = UserCreate.parse(await req.json().catch(() => ({})));
    const user = await createUser(app().db, body);
    return NextResponse.json({ user }, { status: 201 });
  } catch (e) {
    return accountErrorResponse(e) ?? handleApiError(e);
  }
}
