import type { Db } from "@/lib/db/client";
import { deleteFileRows } from "@/lib/db/bulk";
import type { BlobStore } from "./blobs";
import type { IngestLimits } from "./limits";
import type { FileCounts, FileJobContext } from "./handlers/context";
import { archiveDepth, expandArchiveFile } from "./handlers/archive";
import { parseLogFile } from "./handlers/log";
import { parseConfigFile } from "./handlers/config";
import { parseCaptureFile } from "./handlers/capture";
import { refreshIncidentMeta } from "./incident-meta";
import { correlateIncident } from "@/lib/analysis/correlate";

interface RunArgs {
  db: Db;
  store: BlobStore;
  limits: IngestLimits;
  incidentId: string;
  fileId: string;
}

/** Parses one file of a bundle. Returns the error shown for that file, or null; never throws for bad input. */
export async function runFileJob({ db, store, limits, incidentId, fileId }: RunArgs): Promise<string | null> {
  const file = await db.bundleFile.findUnique({ where: { id: fileId } });
  if (!file) return "file row missing";
  await db.bundleFile.update({ where: { id: fileId }, data: { status: "parsing", bytesDone: 0n, error: null } });
  await deleteFileRows(db, fileId);

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
      pendingWrite = pendingWrite.then(() => db.bundleFile.update({ where: { id: fileId }, data: { bytesDone: BigInt(bytesDone) } }));
    },
  };

  let counts: FileCounts = {};
  let error: string | null = null;
  try {
    switch (file.kind) {
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
      case "pcap":
      case "pcapng":
        counts = await parseCaptureFile(ctx);
        break;
      default:
        error = `No parser for ${file.kind} files.`;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    console.error(`[worker] ${file.name}: ${error}`);
  }
  await pendingWrite;
  await db.bundleFile.update({
    where: { id: fileId },
    data: {
      status: error ? "failed" : "done",
      error,
      counts: JSON.parse(JSON.stringify(counts, (_k, v) => (typeof v === "bigint" ? Number(v) : v))),
      bytesDone: error ? undefined : file.size,
    },
  });
  await refreshIncidentMeta(db, incidentId);
  if (!error && ["gateway-log", "pcap", "pcapng"].includes(file.kind)) await correlateIncident(db, incidentId).catch((e) => console.error(`[worker] correlate: ${e}`));
  return error;
}
