/**
 * Temporary files a killed process leaves behind (issue #5): uploads and redacted copies half written to
 * DATA_DIR/blobs/tmp, held copies and blobs moved aside there (lib/ingest/blobs.ts), line indexes half written to
 * DATA_DIR/index/<fileId>.lines.tmp (lib/explore/line-index-file.ts). Swept when a worker starts.
 */
import "server-only";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { lineIndexDir } from "@/lib/explore/line-index-file";
import { blobStore } from "./bundle";
import { blobNeeded } from "./handlers/archive";

/** Only files untouched this long are swept, so an upload or parse still running in another process keeps its own. */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** `[<sha256>-]<Date.now()>-<random>.<ext>` as BlobStore names them. */
const TEMP_NAME = /^(?:([0-9a-f]{64})-)?(\d+)-[0-9a-f]+\.(part|held|gone)$/;

export interface SweepResult {
  /** Files deleted. */
  removed: number;
  /** Held or moved-aside copies put back as the blob a file row still points at (it was missing). */
  restored: number;
}

/**
 * Deletes temporaries older than `maxAgeMs`, by their last write or the time in their name, whichever is later
 * (a blob moved aside keeps its old mtime). A held or moved-aside copy is the blob itself: when a file row still
 * points at its hash and the blob is missing (the process died between the two steps that would have put it
 * back), it is put back instead of deleted.
 */
export async function sweepStaleTemporaries(
  db: Db,
  dataDir: string,
  opts: { maxAgeMs?: number; now?: number } = {},
): Promise<SweepResult> {
  const cutoff = (opts.now ?? Date.now()) - (opts.maxAgeMs ?? STALE_TEMP_MS);
  const store = blobStore(dataDir);
  const result: SweepResult = { removed: 0, restored: 0 };
  const stale = async (file: string, namedAt = 0) => {
    const st = await stat(/*turbopackIgnore: true*/ file).catch(() => null);
    return st !== null && st.isFile() && Math.max(st.mtimeMs, namedAt) < cutoff;
  };
  const remove = async (file: string) => {
    await rm(/*turbopackIgnore: true*/ file, { force: true });
    result.removed++;
  };

  for (const name of await readdir(/*turbopackIgnore: true*/ store.tempDir).catch(() => [] as string[])) {
    const file = path.join(/*turbopackIgnore: true*/ store.tempDir, name);
    const m = TEMP_NAME.exec(name);
    if (!(await stale(file, m ? Number(m[2]) : 0))) continue;
    const sha = m?.[1];
    // Not for an unpacked archive: its row stays, its bytes are gone on purpose (they hold its members' secrets).
    if (sha && !(await store.has(sha)) && (await blobNeeded(db, sha))) {
      await mkdir(path.dirname(store.pathOf(sha)), { recursive: true });
      await rename(/*turbopackIgnore: true*/ file, store.pathOf(sha));
      result.restored++;
      continue;
    }
    await remove(file);
  }

  const indexDir = lineIndexDir(dataDir);
  for (const name of await readdir(/*turbopackIgnore: true*/ indexDir).catch(() => [] as string[])) {
    if (!name.endsWith(".tmp")) continue;
    const file = path.join(/*turbopackIgnore: true*/ indexDir, name);
    if (await stale(file)) await remove(file);
  }
  return result;
}
