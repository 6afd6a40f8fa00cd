import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { handleApiError } from "@/lib/api/errors";
import { limitedLookup } from "@/lib/auth/link-responses";
import { customerUpload } from "@/lib/auth/customer-upload";
import { sharePath } from "@/lib/auth/share-links";
import { requestOrigin } from "@/lib/auth/origin";
import { requestRefusal } from "@/lib/auth/request-guard";

export const dynamic = "force-dynamic";

/** Multipart upload through an upload link (no account) → 201 `{ shareUrl }`; unusable links answer 404. */
export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  // proxy.ts leaves this path out (upload bodies): the same host / origin gate, before the link is looked up.
  const refused = requestRefusal(req);
  if (refused) return refused;
  try {
    const { token } = await params;
    const { db, store, env } = app();
    const done = await limitedLookup(req, () => customerUpload(db, store, token, req, env.MAX_UPLOAD_BYTES));
    if (!done.ok) return done.res;
    return NextResponse.json({ shareUrl: `${requestOrigin(req)}${sharePath(done.value.shareToken)}`, files: done.value.files }, { status: 201 });
  } catch (e) {
    return handleApiError(e);
  }
}
