/** Deletes an incident: its rows, then its blobs and line indexes no other incident shares. */
import "server-only";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";

/** Folders under DATA_DIR holding per-file sidecars named `<fileId>.<ext>` (line indexes: lib/explore/line-index-file.ts). */
const SIDECAR_DIRS = ["index"];

/**
 * Deletes an incident: its rows (everything cascades from Incident), then every stored blob no other
 * file still references (the store is content-addressed, so two incidents may share one; see
 * `BlobStore.deleteUnused` for an upload of the same bytes meanwhile), then the per-file sidecars.
 * Answers what was removed, or null when there is no such incident.
 */
export async function deleteIncident(db: Db, store: BlobStore, dataDir: string, id: string) {
  const files = await db.bundleFile.findMany({ where: { incidentId: id }, select: { id: true, sha256: true } });
  const { count } = await db.incident.deleteMany({ where: { id } });
  if (count === 0) return null;
  const shas = [...new Set(files.map((f) => f.sha256))];
  let blobsDeleted = 0;
  // An upload of the same bytes may write its row at any moment (its held copy settles only then): the store
  // looks for a row, moves the blob aside and looks again before it is gone, so such an upload keeps its blob.
  for (const sha of shas) {
    if (await store.deleteUnused(sha, async () => (await db.bundleFile.count({ where: { sha256: sha } })) > 0))
      blobsDeleted++;
  }
  const sidecarsDeleted = await removeSidecars(
    dataDir,
    files.map((f) => f.id),
  );
  return { files: files.length, blobsDeleted, sidecarsDeleted };
}

/** Removes the files' sidecars (finished or not); answers how many. */
export async function removeSidecars(dataDir: string, ids: string[]): Promise<number> {
  const fileIds = new Set(ids);
  let removed = 0;
  for (const dir of SIDECAR_DIRS) {
    const full = path.join(/*turbopackIgnore: true*/ dataDir, dir);
    const names = await readdir(/*turbopackIgnore: true*/ full).catch(() => [] as string[]);
    for (const name of names) {
      if (!fileIds.has(name.split(".")[0])) continue;
      await rm(/*turbopackIgnore: true*/ path.join(full, name), { force: true });
      removed++;
    }
  }
  return removed;
}
