import "server-only";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "../blobs";
import { expandArchive } from "../unpack";
import { isArchiveKind, type ArchiveKind } from "../file-kinds";
import { addFiles, type StoredUpload } from "../bundle";
import { readFileCounts, type FileCounts } from "@/lib/api/file-counts";
import { HandlerError, type FileJobContext } from "./context";

/** What an archive's row keeps once it is unpacked (entries, skipped, stopped, unpacked, unpackError of FileCounts). */
type ArchiveCounts = Pick<FileCounts, "entries" | "skipped" | "stopped" | "unpacked" | "unpackError">;

export const wasUnpacked = (file: { kind: string; counts: unknown }) =>
  isArchiveKind(file.kind) && readFileCounts(file.counts).unpacked === true;

/**
 * Whether a row still needs the blob `sha256`: any file does, except an archive that is unpacked (marked before
 * its bytes go, so of two identical archives unpacked at once the later check sees both marks) or whose job ended
 * (failed: its bytes are never served again). `exceptId`: the archive asking. SQL, so a missing mark reads false.
 */
export async function blobNeeded(db: Db, sha256: string, exceptId = ""): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<Array<{ n: bigint | number }>>(
    `SELECT count(*) AS n FROM "BundleFile" WHERE "sha256" = $1 AND "id" <> $2
       AND NOT ("kind" IN ('zip', 'tar', 'gzip') AND ("status" NOT IN ('queued', 'parsing') OR COALESCE("counts"->>'unpacked', '') = 'true'))`,
    sha256,
    exceptId,
  );
  return Number(rows[0].n) > 0;
}

/**
 * Deletes an unpacked archive's bytes (they hold the secrets its members were redacted of), unless another row
 * still waits to unpack the same bytes. A row with these bytes written meanwhile keeps them (BlobStore.deleteUnused
 * and the held copy of its upload).
 */
export async function dropArchiveBytes(db: Db, store: BlobStore, file: { id: string; sha256: string }): Promise<void> {
  await store.deleteUnused(file.sha256, () => blobNeeded(db, file.sha256, file.id));
}

/**
 * Unpacks an archive (or single gzip) into new files of the same incident, each with its own job (logs and
 * configs are redacted there), then drops the archive's own bytes: an archive is a container, not evidence.
 */
export async function expandArchiveFile(ctx: FileJobContext, depth: number): Promise<FileCounts> {
  const { db, store, file } = ctx;
  const stored: StoredUpload[] = [];
  let counts: ArchiveCounts = {};
  let failure: string | undefined;
  let recorded = false;
  try {
    if (depth >= ctx.limits.maxDepth)
      throw new Error(`Archive nested more than ${ctx.limits.maxDepth} levels deep; not expanded.`);
    const result = await expandArchive(
      store.pathOf(file.sha256),
      file.kind as ArchiveKind,
      ctx.limits,
      async (entry) => {
        const put = await store.put(entry.stream, { maxBytes: ctx.limits.maxEntryBytes, hold: true });
        stored.push({ name: `${file.name}/${entry.name}`, sha256: put.sha256, size: put.size, held: put.held });
      },
      file.name,
    ).finally(async () => {
      // Entries delivered before a corrupt tail stay in the bundle.
      await addFiles(db, store, ctx.incidentId, stored, file.id);
      recorded = true;
    });
    counts = {
      entries: result.entries,
      skipped: result.skipped,
      ...(result.stopped ? { stopped: result.stopped } : {}),
    };
  } catch (e) {
    // Not the archive's fault (the database failed before the members' rows existed): keep it for a re-run.
    if (!recorded && depth < ctx.limits.maxDepth) throw e;
    failure = e instanceof Error ? e.message : String(e);
  }
  counts = {
    ...counts,
    entries: counts.entries ?? stored.length,
    unpacked: true,
    ...(failure ? { unpackError: failure } : {}),
  };
  // Marked before the bytes go, so a re-run after a crash here knows not to look for them.
  await db.bundleFile.update({ where: { id: file.id }, data: { counts } });
  await dropArchiveBytes(db, store, file);
  if (failure) throw new HandlerError(failure, counts);
  return counts;
}

/** How many archives enclose this file (children's names carry their parents' names). */
export async function archiveDepth(ctx: FileJobContext, parentId: string | null): Promise<number> {
  let depth = 0;
  let id = parentId;
  while (id) {
    const parent = await ctx.db.bundleFile.findUnique({ where: { id }, select: { parentId: true } });
    id = parent?.parentId ?? null;
    depth++;
  }
  return depth;
}
