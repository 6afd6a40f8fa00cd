import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";
import { revokeUploadLink } from "@/lib/auth/upload-links";

export const dynamic = "force-dynamic";

export async function DELETE(_req: Request, { params }: { params: Promise<{ linkId: string }> }) {
  try {
    await requireEngineer();
    const { linkId } = await params;
    if (!(await revokeUploadLink(app().db, linkId))) return apiError(404, "not_found", "No such active upload link.");
    return NextResponse.json({ revoked: linkId });
  } catch (e) {
    return handleApiError(e);
  }
}
