import type { Db } from "@/lib/db/client";
import type { BlobStore } from "../blobs";
import type { IngestLimits } from "../limits";

export interface FileJobContext {
  db: Db;
  store: BlobStore;
  limits: IngestLimits;
  incidentId: string;
  file: { id: string; name: string; sha256: string; size: bigint; kind: string };
  /** Throttled: records bytes read so the UI can show progress. */
  progress(bytesDone: number): void;
}

/** What a handler reports; stored as the file's counts and shown beside it. */
export type FileCounts = Record<string, unknown>;
