import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { createUploadLink, listUploadLinks, uploadPath } from "@/lib/auth/upload-links";
import { UploadLinkCreate } from "@/lib/api/share-schema";
import { requestOrigin } from "@/lib/auth/origin";

/** Usable upload links: `{ links: [{ id, label, createdAt, expiresAt, maxUses, uses, incidents }] }`. */
export const GET = route({ access: "edit" }, async () => NextResponse.json({ links: await listUploadLinks(app().db) }));

/** `{ label, expiresInHours?, maxUses? }` → 201 `{ link, url }`; the URL (with its token) is shown only now. */
export const POST = route({ access: "edit", body: UploadLinkCreate }, async ({ req, viewer, body }) => {
  const { db } = app();
  const { token, link } = await createUploadLink(db, {
    label: body.label,
    expiresAt: new Date(Date.now() + body.expiresInHours * 3600_000),
    maxUses: body.maxUses,
    createdById: viewer.kind === "user" ? viewer.userId : null,
  });
  const item = (await listUploadLinks(db)).find((l) => l.id === link.id);
  return NextResponse.json({ link: item, url: `${requestOrigin(req)}${uploadPath(token)}` }, { status: 201 });
});
