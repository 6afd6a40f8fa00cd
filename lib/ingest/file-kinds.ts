/**
 * The kind and status of a bundle file: `BundleFile.kind` and `BundleFile.status` are plain strings in the database
 * (no migration for an enum), so the values are defined once here and rows are parsed with these schemas where read.
 * Pure: the pages' components import it too.
 */
import { z } from "zod";

/** What sniffing found in the bytes (lib/ingest/sniff.ts); never taken from the file name. */
export const FILE_KINDS = [
  "zip",
  "tar",
  "gzip",
  "pcap",
  "pcapng",
  "gateway-log",
  "gateway-config",
  /** emg-collect's own report (lib/parsers/collector-report). */
  "collector-report",
  "empty",
  "unknown",
] as const;
export type FileKind = (typeof FILE_KINDS)[number];
export const FileKindSchema = z.enum(FILE_KINDS);

export const ARCHIVE_KINDS = ["zip", "tar", "gzip"] as const satisfies readonly FileKind[];
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];
export const CAPTURE_KINDS = ["pcap", "pcapng"] as const satisfies readonly FileKind[];

// Guards take any string: they also sort rows read before their kind is parsed (the downloads rule, the blob check).
export const isArchiveKind = (k: string): k is ArchiveKind => (ARCHIVE_KINDS as readonly string[]).includes(k);
export const isCaptureKind = (k: string): boolean => (CAPTURE_KINDS as readonly string[]).includes(k);

/** queued → parsing → done | failed; `skipped`: kept but not parsed (a kind no handler reads). */
export const FILE_STATUSES = ["queued", "parsing", "done", "failed", "skipped"] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];
export const FileStatusSchema = z.enum(FILE_STATUSES);

/** The two columns of a BundleFile row, checked together where rows are read: an error names the column. */
export const FileRowState = z.object({ kind: FileKindSchema, status: FileStatusSchema });

/** Still to be parsed: the incident shows its progress and the verdict is not final. */
export const PENDING_STATUSES = ["queued", "parsing"] as const satisfies readonly FileStatus[];
export const isPending = (s: FileStatus): boolean => (PENDING_STATUSES as readonly FileStatus[]).includes(s);

/**
 * The order files are listed and read in: upload order, by name within one upload. The files of one upload share
 * `createdAt` (one statement's now()) and their ids are random, so without the name the database picks, and a
 * PostgreSQL page listed them (and chose among same-ranked configs) differently from one load to the next.
 */
export const bundleFileOrder = () => [{ createdAt: "asc" as const }, { name: "asc" as const }, { id: "asc" as const }];
