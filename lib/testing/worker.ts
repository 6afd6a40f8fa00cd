import type { Db } from "@/lib/db/client";
import { startWorker } from "@/lib/jobs/worker";
import type { BlobStore } from "@/lib/ingest/blobs";
import { blobStore, createIncident, type StoredUpload } from "@/lib/ingest/bundle";
import { storeFiles, storeSamples } from "./samples";
import { openTestDb, type TestEnv } from "./test-db";
import type { FileKind } from "@/lib/ingest/file-kinds";

/** Runs the parse worker, two jobs at once as the app does, until every queued job is done. */
export async function parseQueued(db: Db, dataDir: string): Promise<void> {
  const worker = startWorker({ db, dataDir, concurrency: 2, pollMs: 20 });
  await worker.idle();
  await worker.stop();
}

/**
 * The real ingest path of the database tests: files into the blob store as an upload puts them, a new incident of
 * them, every parse job run. `files`: absolute paths (named by their base names), or uploads already stored (a
 * renamed file); the sample bundle when omitted.
 */
export async function ingestBundle(
  t: TestEnv,
  files?: string[] | ((store: BlobStore) => Promise<StoredUpload[]>),
): Promise<{ incidentId: string; store: BlobStore }> {
  const store = blobStore(t.dataDir);
  const uploads =
    files === undefined
      ? await storeSamples(store)
      : Array.isArray(files)
        ? await storeFiles(store, files)
        : await files(store);
  const { id } = await createIncident(t.handle.prisma, store, uploads);
  await parseQueued(t.handle.prisma, t.dataDir);
  return { incidentId: id, store };
}

/** A new incident of `files` (absolute paths), stored as an upload stores them, its parse jobs queued for parseQueued. */
export async function queueBundle(t: TestEnv, files: string[]): Promise<string> {
  const store = blobStore(t.dataDir);
  return (await createIncident(t.handle.prisma, store, await storeFiles(store, files))).id;
}

/** A fresh database with `files` ingested (see ingestBundle): the set-up of a test file that reads one incident. */
export async function openIngested(files?: Parameters<typeof ingestBundle>[1]) {
  const t = await openTestDb();
  return { t, ...(await ingestBundle(t, files)) };
}

/** A fresh database with the sample bundle ingested, and the row of its one gateway log (what the log explorer's tests query). */
export async function openSampleLog() {
  const ingested = await openIngested();
  const log = await ingested.t.handle.prisma.bundleFile.findFirstOrThrow({
    where: { incidentId: ingested.incidentId, kind: "gateway-log" satisfies FileKind },
  });
  return { ...ingested, log };
}
