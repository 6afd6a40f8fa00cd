// `npx tsx --conditions=react-server scripts/bench/parse-cpu.ts [logLines=300000]`
// `npx tsx --conditions=react-server scripts/bench/parse-cpu.ts capture [MB=150]`
// CPU of a parse thread's task alone (log: redaction, parse, stitch, line index, aggregates; capture: read, track,
// classify, profiles, exchanges file, aggregates; rows handed to a no-op) against the bare parser (log: parser and
// stitcher; capture: reader, tracker without ladders, classifier), on a synthesized file, in this process. Five
// measured rounds after a warm-up, alternated; median and range. Figures only (docs/benchmark.md).
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { synthesizeLog } from "./synth-log";
import { synthesizeCapture } from "../../lib/parsers/pcap/bench";
import { BlobStore } from "../../lib/ingest/blobs";
import { parseLog } from "../../lib/ingest/parse-thread/log-task";
import { parseCapture } from "../../lib/ingest/parse-thread/capture-task";
import { LogLineParser, TransactionStitcher } from "../../lib/parsers/log";
import { CaptureReader } from "../../lib/parsers/pcap";
import { ConnectionTracker, classifyConnection } from "../../lib/analysis/tcp";

const capture = process.argv[2] === "capture";
const size = Number(process.argv[capture ? 3 : 2] ?? (capture ? 150 : 300_000));
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-parse-cpu-"));
const io = { emit: async () => undefined, progress: () => undefined };

async function bareLog(file: string) {
  const parser = new LogLineParser();
  const stitcher = new TransactionStitcher();
  const take = (items: ReturnType<LogLineParser["push"]>) => {
    for (const it of items) if (it.kind === "event") stitcher.add(it);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) take(parser.push(chunk as Buffer));
  take(parser.end());
  stitcher.flush();
}

async function bareCapture(file: string) {
  const reader = new CaptureReader();
  const tracker = new ConnectionTracker({ targets: [], ladders: false });
  const classify = (done: ReturnType<ConnectionTracker["end"]>) => {
    for (const c of done) classifyConnection(c);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    for (const p of reader.push(chunk as Buffer)) classify(tracker.add(p));
  for (const p of reader.end()) classify(tracker.add(p));
  classify(tracker.end());
}

try {
  const file = path.join(dir, capture ? "bench.pcap" : "edgemicro-bench-1-api.log");
  if (capture) synthesizeCapture(file, size);
  else await synthesizeLog(file, size);
  const store = new BlobStore(path.join(dir, "blobs"));
  const put = await store.put(createReadStream(file));
  let run = 0;
  const parseFile = () => ({ id: `f${run++}`, name: path.basename(file), sha256: put.sha256 });
  const steps: Record<string, () => Promise<unknown>> = capture
    ? {
        "capture task (parse thread)": () => parseCapture(store, parseFile(), [], io),
        "bare reader + tracker + classifier": () => bareCapture(file),
      }
    : {
        "log task (parse thread)": () => parseLog(store, parseFile(), io),
        "bare parser + stitcher": () => bareLog(file),
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
  console.log(
    `${size} ${capture ? "MB of capture" : "lines"}; load average ${os.loadavg()[0].toFixed(1)}; CPU s, median (min–max) of 5`,
  );
  for (const [name, xs] of Object.entries(cpu)) {
    xs.sort((a, b) => a - b);
    console.log(`${name}: ${xs[2].toFixed(2)} (${xs[0].toFixed(2)}–${xs[4].toFixed(2)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
