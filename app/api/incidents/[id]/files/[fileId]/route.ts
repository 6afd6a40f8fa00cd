import { Readable } from "node:stream";
import { app } from "@/lib/server/app";
import { ApiError, notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/route";
import { canDownload, canEdit } from "@/lib/auth/access";
import { maskClientIdsInLog } from "@/lib/auth/masked-download";
import { downloadRule } from "@/lib/ingest/downloadable";

/**
 * The stored file (logs and configs are the redacted copies; archives are not kept, their members are files of
 * their own). Share visitors only when their link allows it, only redacted kinds (lib/ingest/downloadable.ts), and
 * with the client ids (API keys) of log lines masked, like every shared view.
 */
export const GET = route({ access: "read", incident: true }, async ({ viewer, incident, params }) => {
  if (!canDownload(viewer))
    throw new ApiError(403, "download_not_allowed", "This share link does not allow downloading the raw files.");
  const { db, store } = app();
  const f = await db.bundleFile.findFirst({
    where: { id: params.fileId, incidentId: incident.id },
    select: { name: true, sha256: true, size: true, kind: true, status: true },
  });
  if (!f) throw notFound("No such file.");
  const rule = downloadRule(f, !canEdit(viewer));
  if (!rule.ok) throw new ApiError(rule.status, rule.code, rule.message);
  if (!(await store.has(f.sha256))) throw notFound("No such file.");
  const name = f.name.split("/").pop() || "file";
  const masked = !canEdit(viewer) && f.kind === "gateway-log";
  const body = masked ? maskClientIdsInLog(store.openRead(f.sha256)) : store.openRead(f.sha256);
  return new Response(Readable.toWeb(body) as ReadableStream, {
    headers: {
      "content-type": "application/octet-stream",
      ...(masked ? {} : { "content-length": String(f.size) }),
      "content-disposition": `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
});
