import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";
import { createUploadLink, listUploadLinks, uploadPath } from "@/lib/auth/upload-links";
import { UploadLinkCreate } from "@/lib/api/share-schema";
import { requestOrigin } from "@/lib/auth/origin";

export const dynamic = "force-dynamic";

/** Usable upload links: `{ links: [{ id, label, createdAt, expiresAt, maxUses, uses, incidents }] }`. */
export async function GET() {
  try {
    await requireEngineer();
    return NextResponse.json({ links: await listUploadLinks(app().db) });
  } catch (e) {
    return handleApiError(e);
  }
}

/** `{ label, expiresInHours?, maxUses? }` → 201 `{ link, url }`; the URL (with its token) is shown only now. */
export async function POST(req: Request) {
  try {
    const viewer = await requireEngineer();
    const body = UploadLinkCreate.parse(await req.json().catch(() => ({})));
    const { db } = app();
    const { token, link } = await createUploadLink(db, {
      label: body.label,
      expiresAt: new Date(Date.now() + body.expiresInHours * 3600_000),
      maxUses: body.maxUses,
      createdById: viewer.kind === "user" ? viewer.userId : null,
    });
    const item = (await listUploadLinks(db)).find((l) => l.id === link.id);
    return NextResponse.json({ link: item, url: `${requestOrigin(req)}${uploadPath(token)}` }, { status: 201 });
  } catch (e) {
    return handleApiError(e);
  }
}
