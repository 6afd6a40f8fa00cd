import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { apiError, handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";
import { createShareLink, listShareLinks, sharePath } from "@/lib/auth/share-links";
import { ShareLinkCreate } from "@/lib/api/share-schema";
import { requestOrigin } from "@/lib/auth/origin";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Active share links of the incident: `{ links: [{ id, label, allowDownload, createdAt, expiresAt, viewCount, lastViewedAt }] }`. */
export async function GET(_req: Request, { params }: Params) {
  try {
    await requireEngineer();
    const { id } = await params;
    const { db } = app();
    if (!(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "not_found", "No such incident.");
    return NextResponse.json({ links: await listShareLinks(db, id) });
  } catch (e) {
    return handleApiError(e);
  }
}

/** `{ label?, expiresInHours?, allowDownload? }` → 201 `{ link, url }`; the URL (with its token) is shown only now. */
export async function POST(req: Request, { params }: Params) {
  try {
    const viewer = await requireEngineer();
    const { id } = await params;
    const body = ShareLinkCreate.parse(await req.json().catch(() => ({})));
    const { db } = app();
    if (!(await db.incident.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "not_found", "No such incident.");
    const { token, link } = await createShareLink(db, id, {
      label: body.label,
      expiresAt: body.expiresInHours === null ? null : new Date(Date.now() + body.expiresInHours * 3600_000),
      allowDownload: body.allowDownload,
      createdById: viewer.kind === "user" ? viewer.userId : null,
    });
    const item = (await listShareLinks(db, id)).find((l) => l.id === link.id);
    return NextResponse.json({ link: item, url: `${requestOrigin(req)}${sharePath(token)}` }, { status: 201 });
  } catch (e) {
    return handleApiError(e);
  }
}
