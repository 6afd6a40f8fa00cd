import { createReadStream, readdirSync } from "node:fs";
import path from "node:path";
import type { BlobStore } from "@/lib/ingest/blobs";
import type { StoredUpload } from "@/lib/ingest/bundle";

/** The real bundle in ../shared/samples (beside the repository, in development and in CI). */
export const SAMPLE_DIR = path.resolve(import.meta.dirname, "../../../shared/samples/acme-prod-502");

/** The bundle's files (its README aside). */
export const sampleFileNames = (): string[] => readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md");

/** Puts sample files into a blob store as an upload would, ready for `createIncident`. */
export async function storeSamples(store: BlobStore, names: string[] = sampleFileNames()): Promise<StoredUpload[]> {
  return storeFiles(
    store,
    names.map((n) => path.join(SAMPLE_DIR, n)),
  );
}

/** Puts files (absolute paths) into a blob store as an upload would, named by their base names. */
export async function storeFiles(store: BlobStore, files: string[]): Promise<StoredUpload[]> {
  const stored: StoredUpload[] = [];
  for (const file of files) {
    const put = await store.put(createReadStream(file));
    stored.push({ name: path.basename(file), sha256: put.sha256, size: put.size });
  }
  return stored;
}
