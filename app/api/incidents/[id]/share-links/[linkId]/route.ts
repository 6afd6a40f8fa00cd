import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";
import { revokeShareLink } from "@/lib/auth/share-links";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; linkId: string }> };

/** Revokes the link: from now on it answers 404, and anyone holding it loses access at once. */
export async function DELETE(_req: Request, { params }: Params) {
  try {
    await requireEngineer();
    const { id, linkId } = await params;
    if (!(await revokeShareLink(app().db, id, linkId))) return apiError(404, "not_found", "No such active share link.");
    return NextResponse.json({ revoked: linkId });
  } catch (e) {
    return handleApiError(e);
  }
}
