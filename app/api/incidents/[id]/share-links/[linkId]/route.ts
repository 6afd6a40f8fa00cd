import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { revokeShareLink } from "@/lib/auth/share-links";

/** Revokes the link: from now on it answers 404, and anyone holding it loses access at once. */
export const DELETE = route({ access: "edit" }, async ({ params }) => {
  if (!(await revokeShareLink(app().db, params.id, params.linkId))) throw notFound("No such active share link.");
  return NextResponse.json({ revoked: params.linkId });
});
