/**
 * The parse thread runs at a lower CPU priority than the server's own thread (docs/benchmark.md: pages answer sooner
 * while a file parses). Linux keeps a nice value per thread; /proc/self/task/TID/stat shows each one's (field 19).
 */
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { synthesizeLog } from "@/scripts/bench/synth-log";
import { BlobStore } from "../blobs";
import { parseInThread } from "./run";
import { ownThreadId } from "./thread-id";

const dir = mkdtempSync(path.join(os.tmpdir(), "emg-thread-nice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Nice value of each of this process's threads, by thread id. */
function threadNice(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

it.runIf(process.platform === "linux")("parses at nice 10 while this thread stays at its own priority", async () => {
  const log = path.join(dir, "gateway.log");
  await synthesizeLog(log, 30_000);
  const store = new BlobStore(path.join(dir, "blobs"));
  const { sha256 } = await store.put(createReadStream(log));
  const before = threadNice();
  const seen = new Map<number, number>();
  const result = await parseInThread(
    { kind: "log", blobsDir: store.rootDir, file: { id: "nice", name: "gateway.log", sha256 } },
    {
      heapMb: 128,
      // Read while the thread is alive: each batch waits for this write.
      onBatch: async () => {
        for (const [tid, nice] of threadNice()) if (!before.has(tid)) seen.set(tid, nice);
      },
      onProgress: () => undefined,
    },
  );
  expect(result.kind).toBe("log");
  expect([...seen.values()]).toContain(10);
  // The thread that asked (the server's, here the test's) keeps its priority: only the parse thread yields.
  expect(threadNice().get(ownThreadId())).toBeLessThan(10);
});
