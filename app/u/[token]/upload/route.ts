import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { route } from "@/lib/api/route";
import { limitedLookup } from "@/lib/auth/link-responses";
import { customerUpload } from "@/lib/auth/customer-upload";
import { sharePath } from "@/lib/auth/share-links";
import { requestOrigin } from "@/lib/auth/origin";

/**
 * Multipart upload through an upload link (no account) → 201 `{ shareUrl }`; unusable links answer 404. The token is
 * the access; `gate`: proxy.ts leaves this path out (upload bodies), so the host / origin gate runs here, first.
 */
export const POST = route({ access: "public", gate: true }, async ({ req, params: { token } }) => {
  const { db, store, env } = app();
  const done = await limitedLookup(req, () => customerUpload(db, store, token, req, env.MAX_UPLOAD_BYTES));
  if (!done.ok) return done.res;
  return NextResponse.json(
    { shareUrl: `${requestOrigin(req)}${sharePath(done.value.shareToken)}`, files: done.value.files },
    { status: 201 },
  );
});
