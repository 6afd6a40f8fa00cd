/**
 * Which stored files a viewer may download. Pure (the file list shows links by it, the files route enforces it).
 * - An archive's bytes are not kept once it is unpacked (they hold what its members were redacted of): 410.
 * - Share visitors get only what is redacted when stored: gateway logs (client ids masked on the way out) and
 *   configs, once parsed (the redacted copy replaces the upload then). Captures keep the request headers
 *   (x-api-key, Authorization) that the analysis reads, and unrecognised files are kept as uploaded: engineers only.
 */
export type DownloadRule = { ok: true } | { ok: false; status: 403 | 410; code: string; message: string };

import { isArchiveKind, type FileKind } from "./file-kinds";

const SHAREABLE: readonly string[] = ["gateway-log", "gateway-config"] satisfies FileKind[];

export function downloadRule(
  file: { name: string; kind: string; status: string },
  shareVisitor: boolean,
): DownloadRule {
  const name = file.name.split("/").pop() || file.name;
  if (isArchiveKind(file.kind))
    return {
      ok: false,
      status: 410,
      code: "archive_not_kept",
      message: `'${name}' is an archive: it was unpacked into the files listed under it, which are stored (logs and configs redacted) and downloaded one by one. The archive itself is not kept.`,
    };
  if (shareVisitor && !SHAREABLE.includes(file.kind))
    return {
      ok: false,
      status: 403,
      code: "download_not_allowed",
      message: `'${name}' (${file.kind}) is not redacted, so share links cannot download it: only gateway logs and configs, which are.`,
    };
  // A log or config is redacted once parsed: until then (queued, parsing), or when its parse failed or it was skipped
  // as a copy, the stored bytes may be the upload's own.
  if (shareVisitor && file.status !== "done")
    return {
      ok: false,
      status: 403,
      code: "download_not_redacted",
      message: `'${name}' is ${file.status === "skipped" ? "a copy of another file (download that one)" : `not redacted (${file.status})`}, so share links cannot download it: only parsed, redacted gateway logs and configs.`,
    };
  return { ok: true };
}
