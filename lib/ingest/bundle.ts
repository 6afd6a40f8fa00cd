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
  try {
    const rows = await fileRows(store, incidentId, files, parentId);
    if (rows.length)
      await db.$transaction([
        db.bundleFile.createMany({ data: rows }),
        db.parseJob.createMany({ data: jobsFor(rows) }),
      ]);
    return rows;
  } finally {
    await Promise.all(files.map((f) => store.settle(f)));
  }
}

export async function createIncident(db: Db, store: BlobStore, files: StoredUpload[]) {
  const id = newId("inc");
  try {
    const rows = await fileRows(store, id, files, null);
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
