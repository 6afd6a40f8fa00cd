/**
 * The parse thread (a worker_threads Worker, one per file job; bundled to scripts/parse-thread/dist by
 * scripts/parse-thread/build.mjs). It reads, redacts and parses; it never opens the database: rows go back to
 * the main thread, which owns it (PGlite has one owner), at most WINDOW batches ahead of what is written.
 */
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { BlobStore } from "../blobs";
import { parseLog } from "./log-task";
import { parseCapture } from "./capture-task";
import { parseConfig } from "./config-task";
import { ownThreadId } from "./thread-id";
import type { FromThread, ParseResult, ParseTask, RowBatch, TaskIo, ToThread } from "./protocol";

/** Batches sent and not yet written: two, so parsing the next batch overlaps writing the last one. */
const WINDOW = 2;

const port = parentPort;
if (!port) throw new Error("lib/ingest/parse-thread/entry.ts runs as a worker thread only");

/**
 * Pages before parsing: on two cores the parse thread and V8's collectors would otherwise take the CPU a page's render
 * waits for. Linux keeps a nice value per thread.
 */
const PARSE_NICE = 10;
try {
  setPriority(ownThreadId(), PARSE_NICE);
} catch {
  // not Linux: the thread runs at the server's priority
}
const send = (m: FromThread) => port.postMessage(m);

let unacked = 0;
let room: (() => void) | null = null;

const io: TaskIo = {
  async emit(batch: RowBatch) {
    send({ type: "batch", batch });
    unacked++;
    while (unacked >= WINDOW) await new Promise<void>((r) => (room = r));
  },
  progress: (bytes) => send({ type: "progress", bytes }),
};

function run(task: ParseTask): Promise<ParseResult> {
  const store = new BlobStore(task.blobsDir);
  switch (task.kind) {
    case "log":
      return parseLog(store, task.file, io);
    case "config":
      return parseConfig(store, task.file);
    case "capture":
      return parseCapture(store, task.file, task.configTargets, io);
  }
}

port.on("message", (m: ToThread) => {
  if (m.type === "ack") {
    unacked--;
    room?.();
    room = null;
    return;
  }
  run(m.task).then(
    (result) => send({ type: "done", result }),
    (e: unknown) => send({ type: "failed", message: e instanceof Error ? e.message : String(e) }),
  );
});
