import { readFileCounts } from "@/lib/api/file-counts";
import type { Endpoint } from "@/lib/analysis/tcp";
import { deleteConnectionRows } from "@/lib/db/bulk-connections";
import { parseInThread } from "../parse-thread/run";
import { writeBatch } from "./write-batch";
import type { FileCounts, FileJobContext } from "./context";
import type { FileKind, FileStatus } from "../file-kinds";

/** Target endpoints named by any parsed config of the incident (proxies[].target). */
async function configTargets(ctx: FileJobContext): Promise<Endpoint[]> {
  const files = await ctx.db.bundleFile.findMany({
    where: {
      incidentId: ctx.incidentId,
      kind: "gateway-config" satisfies FileKind,
      status: "done" satisfies FileStatus,
    },
  });
  const out: Endpoint[] = [];
  for (const f of files) {
    const cfg = readFileCounts(f.counts).config;
    for (const p of cfg?.proxies ?? []) if (p.target) out.push({ host: p.target.host, port: p.target.port });
  }
  return out;
}

/** A capture is read in a parse thread (lib/ingest/parse-thread/capture-task.ts); its connections are written here as they come. */
export async function parseCaptureFile(ctx: FileJobContext): Promise<FileCounts> {
  await deleteConnectionRows(ctx.db, ctx.file.id);
  const { file } = ctx;
  const task = {
    kind: "capture" as const,
    blobsDir: ctx.store.rootDir,
    file: { id: file.id, name: file.name, sha256: file.sha256 },
    configTargets: await configTargets(ctx),
  };
  const result = await parseInThread(task, {
    heapMb: ctx.limits.parseHeapMb,
    onBatch: (b) => writeBatch(ctx, b),
    onProgress: ctx.progress,
  });
  if (result.kind !== "capture") throw new Error(`parse thread answered a ${result.kind} result for a capture`);
  return result.counts;
}
