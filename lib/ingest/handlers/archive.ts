import { expandArchive, type ArchiveKind } from "../unpack";
import { addFiles, type StoredUpload } from "../bundle";
import type { FileCounts, FileJobContext } from "./context";

/** Unpacks an archive (or single gzip) into new files of the same incident, each with its own job. */
export async function expandArchiveFile(ctx: FileJobContext, depth: number): Promise<FileCounts> {
  const { db, store, file } = ctx;
  if (depth >= ctx.limits.maxDepth) throw new Error(`Archive nested more than ${ctx.limits.maxDepth} levels deep; not expanded.`);
  const stored: StoredUpload[] = [];
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
  });
  return { entries: result.entries, skipped: result.skipped };
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
