import { adoptRedacted } from "../redact-blob";
import { parseInThread } from "../parse-thread/run";
import type { FileCounts, FileJobContext } from "./context";

/**
 * Redacts the config before anything of it is kept (in a parse thread: lib/ingest/parse-thread/config-task.ts):
 * the stored blob becomes the redacted text, and the original bytes are removed unless another file still points at them.
 */
export async function parseConfigFile(ctx: FileJobContext): Promise<FileCounts> {
  const { db, store, file } = ctx;
  const task = {
    kind: "config" as const,
    blobsDir: store.rootDir,
    file: { id: file.id, name: file.name, sha256: file.sha256 },
  };
  const result = await parseInThread(task, {
    heapMb: ctx.limits.parseHeapMb,
    onBatch: async () => undefined,
    onProgress: ctx.progress,
  });
  if (result.kind !== "config") throw new Error(`parse thread answered a ${result.kind} result for a config`);
  // Adopted even when the text does not parse: the secrets go either way.
  const adopted = await adoptRedacted(db, store, file, result.redacted);
  if (result.error) throw new Error(result.error);
  return { ...result.counts, ...adopted };
}
