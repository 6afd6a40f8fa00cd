import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { revokeUploadLink } from "@/lib/auth/upload-links";

export const DELETE = route({ access: "edit" }, async ({ params }) => {
  if (!(await revokeUploadLink(app().db, params.linkId))) throw notFound("No such active upload link.");
  return NextResponse.json({ revoked: params.linkId });
});
