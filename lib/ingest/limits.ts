/** Ingest limits and the typed error raised when one is exceeded. Pure, no I/O. */

export interface IngestLimits {
  /** Maximum size of one uploaded file (bytes). */
  maxUploadBytes: number;
  /** Maximum decompressed size of one archive entry (bytes). */
  maxEntryBytes: number;
  /** Maximum decompressed bytes across one archive (bytes). */
  maxTotalExpandedBytes: number;
  /** Maximum decompressed/compressed ratio, enforced once an entry exceeds `ratioMinBytes`. */
  maxCompressionRatio: number;
  /** Ratio cap applies only to entries whose decompressed size exceeds this (bytes). */
  ratioMinBytes: number;
  /** Maximum number of entries delivered from one archive. */
  maxEntries: number;
  /** Maximum archive nesting depth (enforced by the caller). */
  maxDepth: number;
  /** Heap ceiling of the thread a file is parsed in (MB); a file that needs more fails alone (lib/ingest/parse-thread/run.ts). */
  parseHeapMb: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxUploadBytes: 2 * GiB,
  maxEntryBytes: 4 * GiB,
  maxTotalExpandedBytes: 8 * GiB,
  maxCompressionRatio: 200,
  ratioMinBytes: 1 * MiB,
  // A support bundle holds tens of files; each entry becomes a file row and a job.
  maxEntries: 1_000,
  maxDepth: 3,
  // A parse's live set is well under 100 MB (scripts/heap.mjs); two parse at once within the server's 512 MB.
  parseHeapMb: 192,
});

export function resolveLimits(overrides?: Partial<IngestLimits>): IngestLimits {
  const out: IngestLimits = { ...DEFAULT_LIMITS };
  if (overrides) {
    for (const k of Object.keys(out) as Array<keyof IngestLimits>) {
      const v = overrides[k];
      if (v !== undefined) {
        if (typeof v !== "number" || !(v >= 0) || Number.isNaN(v))
          throw new TypeError(`invalid limit ${k}: ${String(v)}`);
        out[k] = v;
      }
    }
  }
  return out;
}

export type LimitCode =
  "upload-too-large" | "entry-too-large" | "total-too-large" | "compression-ratio" | "too-many-entries" | "too-deep";

export class LimitError extends Error {
  readonly code: LimitCode;
  readonly limit?: number;
  constructor(code: LimitCode, message: string, limit?: number) {
    super(message);
    this.name = "LimitError";
    this.code = code;
    this.limit = limit;
  }
}

/** Throws when an archive at nesting `depth` (1 = inside the upload) may not be expanded. */
export function assertDepth(depth: number, limits: IngestLimits): void {
  if (depth > limits.maxDepth)
    throw new LimitError("too-deep", `archive nesting depth ${depth} exceeds ${limits.maxDepth}`, limits.maxDepth);
}
