import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireAdmin } from "@/lib/auth/access";
import { removeUser } from "@/lib/auth/users";
import { accountErrorResponse } from "@/lib/auth/account-errors";

export const dynamic = "force-dynamic";

/** Removes an engineer (and signs them out everywhere: their sessions go with the account). */
export async function DELETE(_req: Request, { params }: { params: Promise<{ userId: string }> }) {
  try {
    const viewer = await requireAdmin();
    const { userId } = await params;
    if (viewer.kind === "user" && viewer.userId === userId) return apiError(409, "self", "You cannot remove your own account.");
    const removed = await removeUser(app().db, userId);
    return NextResponse.json({ removed: removed.email });
  } catch (e) {
    return accountErrorResponse(e) ?? handleApiError(e);
  }
}
