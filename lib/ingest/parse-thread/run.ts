import { Worker } from "node:worker_threads";
import { setImmediate as nextTurn } from "node:timers/promises";
import { parseThreadEntry } from "./bundle";
import type { FromThread, ParseResult, ParseTask, RowBatch, ToThread } from "./protocol";

export interface ThreadOptions {
  /** Heap ceiling of the thread (MB): a file that needs more stops its thread, not the server. */
  heapMb: number;
  /** Writes one batch; the thread waits for it (and at most one more) before sending further rows. */
  onBatch(batch: RowBatch): Promise<void>;
  onProgress(bytes: number): void;
}

/** Why a thread ended without a result, in words shown on the file. */
function crashMessage(e: Error & { code?: string }, heapMb: number): string {
  if (e.code === "ERR_WORKER_OUT_OF_MEMORY")
    return `The parser ran out of memory on this file (limit ${heapMb} MB) and was stopped; the rest of the bundle is parsed.`;
  return `The parser crashed on this file: ${e.message}`;
}

/**
 * Runs one parse task in its own worker thread (lib/ingest/parse-thread/entry.ts), off this thread's event loop.
 * Batches are written in the order sent, each acknowledged once written. Resolves with the task's result once
 * every batch is written; rejects with the thread's error, a crash in words, or the first failed write.
 */
export async function parseInThread(task: ParseTask, opts: ThreadOptions): Promise<ParseResult> {
  const thread = new Worker(await parseThreadEntry(), { resourceLimits: { maxOldGenerationSizeMb: opts.heapMb } });
  const post = (m: ToThread) => thread.postMessage(m);
  let writes: Promise<void> = Promise.resolve();
  try {
    return await new Promise<ParseResult>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (!settled) reject(e);
        settled = true;
      };
      thread.on("message", (m: FromThread) => {
        if (m.type === "batch") {
          // Each write starts from a fresh turn of the event loop: PGlite answers through promises alone, so a chain
          // of writes would otherwise run as one long microtask queue and keep timers and requests waiting.
          writes = writes
            .then(nextTurn)
            .then(() => opts.onBatch(m.batch))
            .then(() => post({ type: "ack" }));
          writes.catch(fail);
        } else if (m.type === "progress") opts.onProgress(m.bytes);
        else if (m.type === "done") writes.then(() => !settled && ((settled = true), resolve(m.result)), fail);
        else fail(new Error(m.message));
      });
      thread.on("error", (e) => fail(new Error(crashMessage(e, opts.heapMb))));
      thread.on("exit", (code) => fail(new Error(`The parser stopped on this file (thread exit code ${code}).`)));
      post({ type: "start", task });
    });
  } finally {
    await writes.catch(() => undefined);
    await thread.terminate();
  }
}
