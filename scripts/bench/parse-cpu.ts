// `npx tsx --conditions=react-server scripts/bench/parse-cpu.ts [logLines=300000]`
// CPU of the log parse thread's task alone (redaction, parse, stitch, line index, aggregates; rows handed to a no-op)
// against the bare parser and stitcher, on a synthesized log, in this process. Five measured rounds after a warm-up,
// alternated; median and range. Figures only (docs/benchmark.md, "The log's parse thread").
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { synthesizeLog } from "./synth-log";
import { BlobStore } from "../../lib/ingest/blobs";
import { parseLog } from "../../lib/ingest/parse-thread/log-task";
import { LogLineParser, TransactionStitcher } from "../../lib/parsers/log";

const lines = Number(process.argv[2] ?? 300_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-parse-cpu-"));

async function bare(file: string) {
  const parser = new LogLineParser();
  const stitcher = new TransactionStitcher();
  const take = (items: ReturnType<LogLineParser["push"]>) => {
    for (const it of items) if (it.kind === "event") stitcher.add(it);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) take(parser.push(chunk as Buffer));
  take(parser.end());
  stitcher.flush();
}

try {
  const logFile = path.join(dir, "edgemicro-bench-1-api.log");
  await synthesizeLog(logFile, lines);
  const store = new BlobStore(path.join(dir, "blobs"));
  const put = await store.put(createReadStream(logFile));
  let run = 0;
  const steps: Record<string, () => Promise<unknown>> = {
    "log task (parse thread)": () =>
      parseLog(
        store,
        { id: `f${run++}`, name: "bench.log", sha256: put.sha256 },
        {
          emit: async () => undefined,
          progress: () => undefined,
        },
      ),
    "bare parser + stitcher": () => bare(logFile),
  };
  const cpu: Record<string, number[]> = {};
  for (let round = 0; round < 6; round++) {
    const names = Object.keys(steps);
    for (const name of round % 2 ? names.reverse() : names) {
      const c0 = process.cpuUsage();
      await steps[name]();
      const c = process.cpuUsage(c0);
      if (round > 0) (cpu[name] ??= []).push((c.user + c.system) / 1e6);
    }
  }
  console.log(`${lines} lines; load average ${os.loadavg()[0].toFixed(1)}; CPU s, median (min–max) of 5`);
  for (const [name, xs] of Object.entries(cpu)) {
    xs.sort((a, b) => a - b);
    console.log(`${name}: ${xs[2].toFixed(2)} (${xs[0].toFixed(2)}–${xs[4].toFixed(2)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
