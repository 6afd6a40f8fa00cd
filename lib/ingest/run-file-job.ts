import "server-only";
import { rm } from "node:fs/promises";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "./blobs";
import type { IngestLimits } from "./limits";
import { HandlerError, type FileJobContext } from "./handlers/context";
import { readFileCounts, type FileCounts } from "@/lib/api/file-counts";
import { archiveDepth, dropArchiveBytes, expandArchiveFile, wasUnpacked } from "./handlers/archive";
import { parseLogFile } from "./handlers/log";
import { parseConfigFile } from "./handlers/config";
import { parseCaptureFile } from "./handlers/capture";
import { refreshIncidentMeta } from "./incident-meta";
import { readCollectorReport } from "./handlers/collector-report";
import { fileOutcome } from "./outcome";
import { correlateIncident } from "@/lib/incidents/correlate";
import { storeVerdict } from "@/lib/incidents/verdict";
import { FileKindSchema, PENDING_STATUSES, type FileKind, type FileStatus } from "./file-kinds";
import { dataDirOf, unfinishedLineIndexPath } from "@/lib/explore/line-index-file";

interface RunArgs {
  db: Db;
  store: BlobStore;
  limits: IngestLimits;
  incidentId: string;
  fileId: string;
}

/** Files an archive produced, its children's children included (an archive holds at most maxEntries per level). */
async function descendants(db: Db, fileId: string): Promise<string[]> {
  const out: string[] = [];
  let level = [fileId];
  while (level.length) {
    const rows = await db.bundleFile.findMany({ where: { parentId: { in: level } }, select: { id: true } });
    level = rows.map((r) => r.id);
    out.push(...level);
  }
  return out;
}

/**
 * Removes everything an earlier, interrupted attempt at this file may have written: its rows, and for an
 * archive the files it unpacked (with their rows and jobs). A re-run then starts from nothing, so nothing
 * is ever counted twice.
 */
export async function resetFileOutput(db: Db, incidentId: string, fileId: string): Promise<void> {
  const children = await descendants(db, fileId);
  const ids = [fileId, ...children];
  await db.$transaction([
    // Through the incident's index: transactions have no index of their own by file (#18).
    db.logTransaction.deleteMany({ where: { incidentId, fileId: { in: ids } } }),
    db.statsDelta.deleteMany({ where: { fileId: { in: ids } } }),
    db.parseIssue.deleteMany({ where: { fileId: { in: ids } } }),
    db.logBucket.deleteMany({ where: { fileId: { in: ids } } }),
    db.logTargetStat.deleteMany({ where: { fileId: { in: ids } } }),
    db.tcpConnection.deleteMany({ where: { fileId: { in: ids } } }),
    db.parseJob.deleteMany({ where: { fileId: { in: children } } }),
    db.bundleFile.deleteMany({ where: { id: { in: children } } }),
  ]);
}

/** A failed parse's half-written redacted copy and line index. */
async function dropUnfinished(store: BlobStore, fileId: string): Promise<void> {
  await store.dropPartsOf(fileId);
  await rm(unfinishedLineIndexPath(dataDirOf(store), fileId), { force: true });
}

/**
 * Once no file of the incident is queued or parsing (this was the last one), stores its verdict, so the
 * incident search by verdict is right at once. Two last files finishing together may both store it: same value.
 */
async function storeVerdictWhenParsed(db: Db, incidentId: string): Promise<void> {
  const pending = await db.bundleFile.count({ where: { incidentId, status: { in: [...PENDING_STATUSES] } } });
  if (pending === 0) await storeVerdict(db, incidentId).catch((e) => console.error(`[worker] verdict: ${e}`));
}

/** Gives up on a file (it stopped the parser too often): no partial rows stay, the reason is shown on the file. */
export async function failFileJob(db: Db, incidentId: string, fileId: string, reason: string): Promise<void> {
  await resetFileOutput(db, incidentId, fileId);
  await db.$transaction(async (tx) => {
    await tx.bundleFile.update({
      where: { id: fileId },
      data: { status: "failed" satisfies FileStatus, error: reason, counts: {} },
    });
    await refreshIncidentMeta(tx as unknown as Db, incidentId);
  });
  await correlateIncident(db, incidentId).catch((e) => console.error(`[worker] correlate: ${e}`));
  await storeVerdictWhenParsed(db, incidentId);
}

/** Parses one file of a bundle. Returns the error shown for that file, or null; never throws for bad input. */
export async function runFileJob({ db, store, limits, incidentId, fileId }: RunArgs): Promise<string | null> {
  const file = await db.bundleFile.findUnique({ where: { id: fileId } });
  if (!file) return "file row missing";
  // An archive is unpacked once: its members are files with their own jobs, and its bytes are gone.
  const unpacked = wasUnpacked(file);
  if (!unpacked) await resetFileOutput(db, incidentId, fileId);
  await db.bundleFile.update({
    where: { id: fileId },
    data: { status: "parsing" satisfies FileStatus, bytesDone: 0n, error: null },
  });

  let lastWrite = 0;
  let pendingWrite: Promise<unknown> = Promise.resolve();
  const ctx: FileJobContext = {
    db,
    store,
    limits,
    incidentId,
    file,
    progress(bytesDone) {
      const now = Date.now();
      if (now - lastWrite < 500) return;
      lastWrite = now;
      // Advisory, so a failed write (the incident deleted meanwhile, an outage the final write will meet) is
      // dropped here: left rejected until the next tick, it was an unhandled rejection.
      pendingWrite = pendingWrite
        .then(() => db.bundleFile.update({ where: { id: fileId }, data: { bytesDone: BigInt(bytesDone) } }))
        .catch(() => undefined);
    },
  };

  let counts: FileCounts = {};
  let error: string | null = null;
  try {
    if (unpacked) {
      counts = readFileCounts(file.counts);
      error = counts.unpackError ?? null;
      await dropArchiveBytes(db, store, file); // a crash may have come between the mark and the drop
    } else {
      if (!(await store.has(file.sha256)))
        throw new Error(
          `The stored copy of this file is missing (blob ${file.sha256.slice(0, 12)}…); upload it again.`,
        );
      // A kind this version does not know (a row of a newer one) has no parser, as "empty" and "unknown" have none.
      const kind: FileKind | undefined = FileKindSchema.safeParse(file.kind).data;
      switch (kind) {
        case "zip":
        case "tar":
        case "gzip":
          counts = await expandArchiveFile(ctx, await archiveDepth(ctx, file.parentId));
          break;
        case "gateway-log":
          counts = await parseLogFile(ctx);
          break;
        case "gateway-config":
          counts = await parseConfigFile(ctx);
          break;
        case "collector-report":
          counts = await readCollectorReport(ctx);
          break;
        case "pcap":
        case "pcapng":
          counts = await parseCaptureFile(ctx);
          break;
        default:
          error = `No parser for ${file.kind} files.`;
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    if (e instanceof HandlerError) counts = e.counts;
    console.error(`[worker] ${file.name}: ${error}`);
    // The thread stopped mid-file (it is gone by now): what it was writing would wait for the next start's sweep.
    await dropUnfinished(store, file.id);
  }
  await pendingWrite;
  const outcome = error ? { failed: true, note: error } : await fileOutcome(db, file, counts);
  const current = await db.bundleFile.findUnique({ where: { id: fileId }, select: { size: true } });
  // Everything derived from this file is in place before it shows as finished: a bundle with no file
  // pending is a fully analysed one (correlation first, then the status with the incident's time range, at once).
  if (!error && (["gateway-log", "pcap", "pcapng"] satisfies FileKind[] as string[]).includes(file.kind))
    await correlateIncident(db, incidentId).catch((e) => console.error(`[worker] correlate: ${e}`));
  await db.$transaction(async (tx) => {
    await tx.bundleFile.update({
      where: { id: fileId },
      data: {
        status: (outcome.failed ? "failed" : "done") satisfies FileStatus,
        error: outcome.note,
        counts: JSON.parse(JSON.stringify(counts, (_k, v) => (typeof v === "bigint" ? Number(v) : v))),
        bytesDone: outcome.failed ? undefined : (current?.size ?? file.size),
      },
    });
    await refreshIncidentMeta(tx as unknown as Db, incidentId);
  });
  await storeVerdictWhenParsed(db, incidentId);
  return outcome.failed ? outcome.note : null;
}
