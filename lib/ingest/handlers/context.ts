import "server-only";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "../blobs";
import type { IngestLimits } from "../limits";
import type { FileCounts } from "@/lib/api/file-counts";

/** What a handler reports is stored as the file's counts and shown beside it. */
export type { FileCounts };

export interface FileJobContext {
  db: Db;
  store: BlobStore;
  limits: IngestLimits;
  incidentId: string;
  file: { id: string; name: string; sha256: string; size: bigint; kind: string };
  /** Throttled: records bytes read so the UI can show progress. */
  progress(bytesDone: number): void;
}

/** A handler's failure that still has counts worth keeping (an archive's members unpacked before a corrupt tail). */
export class HandlerError extends Error {
  constructor(
    message: string,
    readonly counts: FileCounts,
  ) {
    super(message);
  }
}
