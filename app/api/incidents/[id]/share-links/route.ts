import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { createShareLink, listShareLinks, sharePath } from "@/lib/auth/share-links";
import { ShareLinkCreate } from "@/lib/api/share-schema";
import { requestOrigin } from "@/lib/auth/origin";

/** Active share links of the incident: `{ links: [{ id, label, allowDownload, createdAt, expiresAt, viewCount, lastViewedAt }] }`. */
export const GET = route({ access: "edit", incident: true }, async ({ incident }) =>
  NextResponse.json({ links: await listShareLinks(app().db, incident.id) }),
);

/** `{ label?, expiresInHours?, allowDownload? }` → 201 `{ link, url }`; the URL (with its token) is shown only now. */
export const POST = route(
  { access: "edit", incident: true, body: ShareLinkCreate },
  async ({ req, viewer, incident, body }) => {
    const { db } = app();
    const { token, link } = await createShareLink(db, incident.id, {
      label: body.label,
      expiresAt: body.expiresInHours === null ? null : new Date(Date.now() + body.expiresInHours * 3600_000),
      allowDownload: body.allowDownload,
      createdById: viewer.kind === "user" ? viewer.userId : null,
    });
    const item = (await listShareLinks(db, incident.id)).find((l) => l.id === link.id);
    return NextResponse.json({ link: item, url: `${requestOrigin(req)}${sharePath(token)}` }, { status: 201 });
  },
);
