/** Streaming, limit-enforcing expansion of zip / tar / tar.gz / single-gzip uploads. No disk writes. */
import path from "node:path";
import type { IngestLimits } from "./limits";
import { isTarHeader } from "./sniff";
import { expandGzip, gunzipHead } from "./unpack/gzip";
import { expandTar } from "./unpack/tar";
import { expandZip } from "./unpack/zip";
import type { ArchiveKind, ExpandResult, OnEntry } from "./unpack/common";

export { LimitError, DEFAULT_LIMITS, resolveLimits, type IngestLimits } from "./limits";
export {
  ArchiveError,
  safeEntryName,
  type ArchiveEntry,
  type ArchiveKind,
  type ExpandResult,
  type OnEntry,
  type SkippedEntry,
} from "./unpack/common";
export { gunzippedName } from "./unpack/gzip";

export async function expandArchive(
  filePath: string,
  kind: ArchiveKind,
  limits: IngestLimits,
  onEntry: OnEntry,
  fileName?: string,
): Promise<ExpandResult> {
  if (kind === "zip") return expandZip(filePath, limits, onEntry);
  if (kind === "tar") return expandTar(filePath, false, limits, onEntry);
  if (isTarHeader(await gunzipHead(filePath))) return expandTar(filePath, true, limits, onEntry);
  return expandGzip(filePath, limits, onEntry, fileName ?? path.basename(filePath));
}
