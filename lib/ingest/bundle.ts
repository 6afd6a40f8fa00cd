import "server-only";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { BlobStore } from "./blobs";
import { limiter } from "./pool";
import { readHead, sniff, SNIFF_HEAD_BYTES } from "./sniff";
import type { FileKind, FileStatus } from "./file-kinds";

export interface StoredUpload {
  name: string;
  sha256: string;
  size: number;
  /** A held copy from `BlobStore.put({ hold })`, settled once the rows exist. */
  held?: string;
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString("base64url")}`;

export function blobStore(dataDir: string): BlobStore {
  return new BlobStore(path.join(dataDir, "blobs"));
}

/** Kinds the worker can do something with; everything else is kept and listed. */
const PARSEABLE: ReadonlySet<FileKind> = new Set([
  "zip",
  "tar",
  "gzip",
  "gateway-log",
  "gateway-config",
  "collector-report",
  "pcap",
  "pcapng",
]);

/**
 * Files sniffed at once in this process, whatever the number of uploads and archives: an archive of 10,000
 * one-byte entries sniffed all at once took ~1 GiB (a 64 KiB head each, all alive together).
 */
const sniffing = limiter(8);

/** Sniffs stored blobs into BundleFile rows (not yet written). */
async function fileRows(store: BlobStore, incidentId: string, files: StoredUpload[], parentId: string | null) {
  return Promise.all(
    files.map((f) =>
      sniffing(async () => {
        // The held copy has the same bytes and cannot vanish (the stored blob could, until our row exists).
        const head =
          f.size === 0 ? null : await readHead(f.held ?? store.pathOf(f.sha256), Math.min(f.size, SNIFF_HEAD_BYTES));
        const kind: FileKind = head ? sniff(head) : "empty";
        const parseable = PARSEABLE.has(kind);
        const status: FileStatus = parseable ? "queued" : "skipped";
        return {
          id: newId("f"),
          incidentId,
          parentId,
          name: f.name,
          sha256: f.sha256,
          size: BigInt(f.size),
          kind,
          status,
          error: parseable
            ? null
            : kind === "empty"
              ? "Empty file (0 bytes)."
              : "Not recognized as a gateway log, gateway config, capture or archive; kept but not parsed.",
        };
      }),
    ),
  );
}

type FileRow = Awaited<ReturnType<typeof fileRows>>[number];
/** A file of the incident already there: `upload` is its upload's hash, `sha256` / `size` its stored blob's now. */
type EarlierFile = { id: string; name: string; upload: string; sha256: string; size: bigint };

/**
 * The same bytes twice in one incident (a log beside the archive holding it, one file twice in an upload) are
 * parsed once: the later copy is kept, `skipped`, naming the file it repeats, so nothing is counted twice. It points
 * at the original's stored blob (the redacted copy, once there is one), never at the upload's own bytes.
 */
function markDuplicates(rows: FileRow[], earlier: EarlierFile[]): FileRow[] {
  const first = new Map(earlier.map((f) => [f.upload, f]));
  return rows.map((r) => {
    if (r.status !== "queued") return r;
    const original = first.get(r.sha256);
    if (!original) {
      first.set(r.sha256, { ...r, upload: r.sha256 });
      return r;
    }
    return {
      ...r,
      sha256: original.sha256,
      size: original.size,
      status: "skipped" satisfies FileStatus,
      error: `Same content as '${original.name}', which is parsed instead: nothing in it is counted twice.`,
      counts: { duplicateOf: original.id },
    };
  });
}

/** The incident's files that hold (or held, before redaction) any of these uploads, oldest first. */
async function earlierFiles(db: Db, incidentId: string, uploads: string[]): Promise<EarlierFile[]> {
  if (uploads.length === 0) return [];
  return db.$queryRaw<EarlierFile[]>`
    SELECT id, name, COALESCE(counts->>'uploadSha256', sha256) upload, sha256, size FROM "BundleFile"
    WHERE "incidentId" = ${incidentId} AND status IN ('queued', 'parsing', 'done')
      AND (sha256 = ANY(${uploads}::text[]) OR counts->>'uploadSha256' = ANY(${uploads}::text[]))
    ORDER BY "createdAt", id`;
}

/** An upload found to be a copy of a redacted file: its own bytes go, unless a row still needs them. */
async function dropRedirected(db: Db, store: BlobStore, files: StoredUpload[], rows: FileRow[]): Promise<void> {
  const kept = new Set(rows.map((r) => r.sha256));
  for (const sha of new Set(files.map((f) => f.sha256).filter((s) => !kept.has(s))))
    await store.deleteUnused(sha, async () => (await db.bundleFile.count({ where: { sha256: sha } })) > 0);
}

const jobsFor = (rows: Array<{ id: string; incidentId: string; status: FileStatus }>) =>
  rows.filter((r) => r.status === "queued").map((r) => ({ incidentId: r.incidentId, fileId: r.id }));

/** Records stored blobs as files of an incident and queues their parse jobs, in one transaction (a crash between would strand queued files). */
export async function addFiles(
  db: Db,
  store: BlobStore,
  incidentId: string,
  files: StoredUpload[],
  parentId: string | null = null,
) {
  let rows: FileRow[];
  try {
    const earlier = await earlierFiles(db, incidentId, [...new Set(files.map((f) => f.sha256))]);
    rows = markDuplicates(await fileRows(store, incidentId, files, parentId), earlier);
    if (rows.length)
      await db.$transaction([
        db.bundleFile.createMany({ data: rows }),
        db.parseJob.createMany({ data: jobsFor(rows) }),
      ]);
  } finally {
    await Promise.all(files.map((f) => store.settle(f)));
  }
  await dropRedirected(db, store, files, rows);
  return rows;
}

export async function createIncident(db: Db, store: BlobStore, files: StoredUpload[]) {
  const id = newId("inc");
  try {
    const rows = markDuplicates(await fileRows(store, id, files, null), []);
    const [incident] = await db.$transaction([
      db.incident.create({ data: { id, title: "New bundle" } }),
      db.bundleFile.createMany({ data: rows }),
      db.parseJob.createMany({ data: jobsFor(rows) }),
    ]);
    return incident;
  } finally {
    await Promise.all(files.map((f) => store.settle(f)));
  }
}
