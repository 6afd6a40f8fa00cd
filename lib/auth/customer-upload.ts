import "server-only";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { createIncident } from "@/lib/ingest/bundle";
import { receiveUpload } from "@/lib/ingest/upload";
import { consumeUploadLink, releaseUploadLink } from "./upload-links";
import { createShareLink } from "./share-links";

/** How long the read-only link handed to a customer after an upload stays valid. */
export const CUSTOMER_SHARE_DAYS = 30;

/**
 * A customer's upload through an upload link: takes one use (atomically), stores the bundle as a new
 * incident of that link, and answers a read-only share token for it. Null when the link is not usable;
 * a failed upload gives its use back.
 */
export async function customerUpload(db: Db, store: BlobStore, token: string, request: Request, maxBytes: number) {
  const link = await consumeUploadLink(db, token);
  if (!link) return null;
  try {
    const files = await receiveUpload(request, store, maxBytes);
    const incident = await createIncident(db, store, files);
    await db.incident.update({ where: { id: incident.id }, data: { uploadLinkId: link.id } });
    const share = await createShareLink(db, incident.id, {
      label: `customer upload · ${link.label}`,
      expiresAt: new Date(Date.now() + CUSTOMER_SHARE_DAYS * 86_400_000),
    });
    return { incidentId: incident.id, shareToken: share.token, files: files.length };
  } catch (e) {
    await releaseUploadLink(db, link.id);
    throw e;
  }
}
