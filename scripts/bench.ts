// `npm run bench [logLines=1000000] [captureMB=500] [--scale] [--keep]`: synthesizes a gateway log and a
// keep-alive capture in a temp directory and prints throughput, peak RSS, the incident page's query times,
// and the time of `grep -c ECONNRESET` / `tshark -q -z conv,tcp` on the same files as a ratio.
// `--scale` adds one incident of a 1 GB log plus a 2 GB capture (the memory target of issue 5).
// Every phase runs in its own process (scripts/bench/phase.ts): each peak RSS is that process's own
// (getrusage maxrss), PGlite's WebAssembly heap included where the phase opens the database.
// Figures only; nothing here asserts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { synthesizeLog } from "./bench/synth-log";
import { synthesizeCapture } from "../lib/parsers/pcap/bench";
import { HEAP_MB, parserEnv } from "./heap.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const logLines = Number(positional[0] ?? 1_000_000);
const captureMB = Number(positional[1] ?? 500);
const scale = process.argv.includes("--scale");
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-bench-"));
const MB = 1e6;
const mb = (bytes: number) => (bytes / MB).toFixed(0);
const TARGET = { host: "10.9.9.9", port: 8080 };

interface PageTiming { firstMs: number; medianMs: number }
interface IngestResult {
  seconds: number; cpuSeconds: number; bytes: number; transactions: number; peakRssMB: number; baseRssMB: number;
  pages: Record<string, PageTiming>;
  atPeakMB: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  files: Array<{ name: string; status: string; error: string | null; counts: Record<string, unknown> }>;
}

function phase<T>(name: string, args: object): T {
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/bench/phase.ts", name, JSON.stringify(args)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
    // The same memory settings (V8 heap ceiling, malloc tunables) as the app server and `npm run worker`.
    env: parserEnv(process.env),
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH "));
  if (r.status !== 0 || !line) throw new Error(`bench phase ${name} failed (exit ${r.status}):\n${r.stdout}`);
  return JSON.parse(line.slice(6)) as T;
}

/** Wall time of a command. Its output goes to a pipe: GNU grep stops at the first match when stdout is /dev/null. */
function secondsOf(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 30 });
  return (performance.now() - t0) / 1000;
}

const hasTshark = spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;

function printIngest(label: string, r: IngestResult, unit: { name: string; count: number }) {
  const failed = r.files.filter((f) => f.status !== "done");
  console.log(
    `${label}: ${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(1)} s), ${(r.bytes / MB / r.seconds).toFixed(0)} MB/s, ` +
      `${Math.round(unit.count / r.seconds)} ${unit.name}/s, peak RSS ${r.peakRssMB.toFixed(0)} MiB ` +
      `(${r.baseRssMB.toFixed(0)} MiB before ingest; at the peak V8 heap ${r.atPeakMB.heapTotal.toFixed(0)} MiB, ` +
      `external incl. PGlite ${r.atPeakMB.external.toFixed(0)} MiB of which buffers ${r.atPeakMB.arrayBuffers.toFixed(0)} MiB)`,
  );
  if (failed.length) console.log(`  !! files not parsed: ${failed.map((f) => `${f.name}: ${f.status} ${f.error ?? ""}`).join("; ")}`);
  console.log(`  incident page queries, first call / median of 5 (${r.transactions} transactions):`);
  for (const [k, v] of Object.entries(r.pages)) console.log(`    ${k.padEnd(20)} ${v.firstMs.toFixed(0).padStart(5)} ms / ${v.medianMs.toFixed(0).padStart(5)} ms`);
}

function freshDb(name: string): string {
  const dataDir = path.join(dir, name);
  phase("migrate", { dataDir });
  return dataDir;
}

try {
  console.log(`bench in ${dir} (${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, V8 heap ceiling ${HEAP_MB} MiB)`);

  const logFile = path.join(dir, "edgemicro-bench-1-api.log");
  const lines = await synthesizeLog(logFile, logLines);
  const logBytes = statSync(logFile).size;
  console.log(`\n== gateway log: ${lines} lines, ${mb(logBytes)} MB ==`);
  const lp = phase<{ seconds: number; lines: number; transactions: number; peakRssMB: number }>("log-parse", { file: logFile });
  console.log(`parse + stitch: ${lp.seconds.toFixed(2)} s, ${(logBytes / MB / lp.seconds).toFixed(0)} MB/s, ${Math.round(lp.lines / lp.seconds)} lines/s, ${lp.transactions} transactions, peak RSS ${lp.peakRssMB.toFixed(0)} MiB`);
  secondsOf("cat", [logFile]); // same page cache for grep as for us
  const grepS = secondsOf("grep", ["-c", "ECONNRESET", logFile]);
  console.log(`grep -c ECONNRESET: ${grepS.toFixed(3)} s (parse + stitch takes ${(lp.seconds / grepS).toFixed(1)}x as long)`);
  const li = phase<IngestResult>("ingest", { dataDir: freshDb("db-log"), files: [logFile] });
  printIngest("full ingest on PGlite (redact, parse, line index, transactions, aggregates)", li, { name: "lines", count: lines });
  console.log(`  the full ingest takes ${(li.seconds / grepS).toFixed(0)}x as long as grep -c ECONNRESET`);

  const capFile = path.join(dir, "bench.pcap");
  synthesizeCapture(capFile, captureMB);
  const capBytes = statSync(capFile).size;
  console.log(`\n== capture: ${mb(capBytes)} MB ==`);
  const cp = phase<{ seconds: number; packets: number; connections: number; races: number; peakRssMB: number }>("capture-parse", { file: capFile, target: TARGET });
  console.log(`read + track + classify: ${cp.seconds.toFixed(2)} s, ${(capBytes / MB / cp.seconds).toFixed(0)} MB/s, ${Math.round(cp.packets / cp.seconds)} packets/s, ${cp.connections} connections (${cp.races} races), peak RSS ${cp.peakRssMB.toFixed(0)} MiB`);
  if (hasTshark) {
    const tsharkS = secondsOf("tshark", ["-q", "-z", "conv,tcp", "-r", capFile]);
    console.log(`tshark -q -z conv,tcp: ${tsharkS.toFixed(2)} s (tshark takes ${(tsharkS / cp.seconds).toFixed(2)}x as long)`);
  } else console.log("tshark not installed: no ratio");
  const ci = phase<IngestResult>("ingest", { dataDir: freshDb("db-capture"), files: [capFile] });
  printIngest("full ingest on PGlite (read, track, classify, store connections)", ci, { name: "packets", count: cp.packets });

  if (scale) {
    rmSync(capFile);
    rmSync(logFile);
    const bigLog = path.join(dir, "edgemicro-bench-2-api.log");
    const bigLines = await synthesizeLog(bigLog, 5_000_000);
    const bigCap = path.join(dir, "big.pcap");
    synthesizeCapture(bigCap, 2000);
    console.log(`\n== scale: one incident, log ${bigLines} lines (${mb(statSync(bigLog).size)} MB) + capture ${mb(statSync(bigCap).size)} MB ==`);
    const si = phase<IngestResult>("ingest", { dataDir: freshDb("db-scale"), files: [bigLog, bigCap] });
    printIngest("full ingest on PGlite, both files", si, { name: "lines", count: bigLines });
  }
} finally {
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
}
