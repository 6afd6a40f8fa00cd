import { insertIssues } from "@/lib/db/bulk";
import { replaceLogAggregates } from "@/lib/db/bulk-aggregates";
import { forgetLineIndex } from "@/lib/explore/line-index-file";
import { adoptRedacted } from "../redact-blob";
import { parseInThread } from "../parse-thread/run";
import { writeBatch } from "./write-batch";
import type { FileCounts, FileJobContext } from "./context";

/** A log is parsed in a parse thread (lib/ingest/parse-thread/log-task.ts); its rows are written here as they come. */
export async function parseLogFile(ctx: FileJobContext): Promise<FileCounts> {
  const { db, incidentId, file } = ctx;
  const task = {
    kind: "log" as const,
    blobsDir: ctx.store.rootDir,
    file: { id: file.id, name: file.name, sha256: file.sha256 },
  };
  const result = await parseInThread(task, {
    heapMb: ctx.limits.parseHeapMb,
    onBatch: (b) => writeBatch(ctx, b),
    onProgress: ctx.progress,
  });
  if (result.kind !== "log") throw new Error(`parse thread answered a ${result.kind} result for a log`);
  // The thread wrote the line index; a copy this process loaded earlier (a re-run) is stale.
  forgetLineIndex(ctx.store, file.id);
  const adopted = await adoptRedacted(db, ctx.store, file, result.redacted);
  await insertIssues(db, incidentId, file.id, result.issues);
  await replaceLogAggregates(db, incidentId, file.id, result.buckets, result.targets);
  return { ...result.counts, ...adopted };
}
