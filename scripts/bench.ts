// `npm run bench [logLines=1000000] [captureMB=500] [--in-process] [--scale] [--keep]`, or BENCH_SCALE=0.1 for a
// tenth of the default sizes (100k lines, 50 MB): synthesizes a gateway log and a keep-alive capture in a temp
// directory, then measures
//   - the pure parsers (each in its own process, scripts/bench/phase.ts: peak RSS is that process's getrusage max);
//   - what the user waits for: the real server (scripts/start.mjs, production build, its own DATA_DIR, PGlite or
//     BENCH_DATABASE_URL), an upload as the upload page sends it, until parsed; page latency sampled every 200 ms and
//     the server's peak RSS (VmHWM) meanwhile (scripts/bench/server.ts);
//   - the anchors on the same files, when installed: lnav with scripts/bench/lnav's format, aggregating per target,
//     and `tshark -q -z conv,tcp` (scripts/bench/anchors.ts), with issue 18's goals marked met / not met.
// `--in-process` adds the full ingest inside one process (the worker alone, with the incident page's query times);
// `--scale` one incident of a 1 GB log plus a 2 GB capture (the memory target of issue 5).
// Ends with a markdown table ready to paste. Figures only; nothing here asserts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { synthesizeLog } from "./bench/synth-log";
import { synthesizeCapture } from "../lib/parsers/pcap/bench";
import { lnavAnchor, timeCommand, tsharkAnchor } from "./bench/anchors";
import { getPage, ingestThroughServer, startServer, type IngestRun, type LatencyStats } from "./bench/server";
import { HEAP_MB, parserEnv } from "./heap.mjs";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const benchScale = Number(process.env.BENCH_SCALE ?? 1);
const logLines = Math.round(Number(positional[0] ?? 1_000_000 * benchScale));
const captureMB = Math.round(Number(positional[1] ?? 500 * benchScale));
const scale = process.argv.includes("--scale");
const inProcess = process.argv.includes("--in-process");
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-bench-"));
const MB = 1e6;
const mb = (bytes: number) => (bytes / MB).toFixed(0);
const TARGET = { host: "10.9.9.9", port: 8080 };

interface PageTiming {
  firstMs: number;
  medianMs: number;
}
interface IngestResult {
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  transactions: number;
  peakRssMB: number;
  baseRssMB: number;
  pages: Record<string, PageTiming>;
  atPeakMB: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  files: Array<{ name: string; status: string; error: string | null; counts: Record<string, unknown> }>;
}

function phase<T>(name: string, args: object): T {
  const r = spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/bench/phase.ts", name, JSON.stringify(args)],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 1024 * 1024,
      // The same memory settings (V8 heap ceiling, malloc tunables) as the app server and `npm run worker`.
      env: parserEnv(process.env),
    },
  );
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH "));
  if (r.status !== 0 || !line) throw new Error(`bench phase ${name} failed (exit ${r.status}):\n${r.stdout}`);
  return JSON.parse(line.slice(6)) as T;
}

const secondsOf = (cmd: string, args: string[]) => timeCommand(cmd, args).seconds;

function printIngest(label: string, r: IngestResult, unit: { name: string; count: number }) {
  const failed = r.files.filter((f) => f.status !== "done");
  console.log(
    `${label}: ${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(1)} s), ${(r.bytes / MB / r.seconds).toFixed(0)} MB/s, ` +
      `${Math.round(unit.count / r.seconds)} ${unit.name}/s, peak RSS ${r.peakRssMB.toFixed(0)} MiB ` +
      `(${r.baseRssMB.toFixed(0)} MiB before ingest; at the peak V8 heap ${r.atPeakMB.heapTotal.toFixed(0)} MiB, ` +
      `external incl. PGlite ${r.atPeakMB.external.toFixed(0)} MiB of which buffers ${r.atPeakMB.arrayBuffers.toFixed(0)} MiB)`,
  );
  if (failed.length)
    console.log(`  !! files not parsed: ${failed.map((f) => `${f.name}: ${f.status} ${f.error ?? ""}`).join("; ")}`);
  console.log(`  incident page queries, first call / median of 5 (${r.transactions} transactions):`);
  for (const [k, v] of Object.entries(r.pages))
    console.log(`    ${k.padEnd(20)} ${v.firstMs.toFixed(0).padStart(5)} ms / ${v.medianMs.toFixed(0).padStart(5)} ms`);
}

function freshDb(name: string): string {
  const dataDir = path.join(dir, name);
  phase("migrate", { dataDir });
  return dataDir;
}

/** Rows of the markdown table printed at the end. */
const table: string[][] = [];
const goals: string[] = [];
const s2 = (s: number) => `${s.toFixed(2)} s`;
const latency = (r: IngestRun) =>
  `page ${r.page.p50.toFixed(0)} / ${r.page.p99.toFixed(0)} / ${r.page.max.toFixed(0)} ms · API ${r.api.p50.toFixed(0)} / ${r.api.p99.toFixed(0)} / ${r.api.max.toFixed(0)} ms`;

function printServerIngest(label: string, r: IngestRun, bytes: number, unit: { name: string; count: number }) {
  const failed = r.files.filter((f) => f.status !== "done");
  console.log(
    `${label}: upload ${s2(r.uploadS)}, upload → parsed ${s2(r.totalS)}, ${(bytes / MB / r.totalS).toFixed(0)} MB/s, ` +
      `${Math.round(unit.count / r.totalS)} ${unit.name}/s`,
  );
  const peak = r.peak
    ? `${r.peak.hwmMiB.toFixed(0)} MiB in pid ${r.peak.pid} [${r.peak.name}]${r.peakIsOwn ? "" : " (since start: VmHWM could not be reset)"}`
    : "n/a";
  console.log(`  server peak RSS (VmHWM) ${peak}`);
  console.log(
    `  while parsing, every 200 ms (p50 / p99 / max): ${latency(r)} (${r.page.n} page and ${r.api.n} API samples, ${r.page.errors + r.api.errors} errors)`,
  );
  const slowest = (l: LatencyStats) =>
    l.slowest.map((x) => `${x.ms.toFixed(0)} ms at ${x.atS.toFixed(1)} s`).join(", ");
  console.log(`  slowest: page ${slowest(r.page)} · API ${slowest(r.api)} (of ${s2(r.totalS)})`);
  if (failed.length) console.log(`  !! files not parsed: ${failed.map((f) => f.status).join(", ")}`);
}

const mark = (met: boolean) => (met ? "met" : "**not met**");
const serverDb = process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite";

try {
  console.log(
    `bench in ${dir} (${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}, V8 heap ceiling ${HEAP_MB} MiB)`,
  );

  // ---- files and pure parsers ----
  const logFile = path.join(dir, "edgemicro-bench-1-api.log");
  const lines = await synthesizeLog(logFile, logLines);
  const logBytes = statSync(logFile).size;
  const logInput = `log, ${lines.toLocaleString("en")} lines, ${mb(logBytes)} MB`;
  console.log(`\n== gateway log: ${lines} lines, ${mb(logBytes)} MB ==`);
  const lp = phase<{ seconds: number; lines: number; transactions: number; peakRssMB: number }>("log-parse", {
    file: logFile,
  });
  console.log(
    `parse + stitch (pure): ${lp.seconds.toFixed(2)} s, ${(logBytes / MB / lp.seconds).toFixed(0)} MB/s, ${Math.round(lp.lines / lp.seconds)} lines/s, ${lp.transactions} transactions, peak RSS ${lp.peakRssMB.toFixed(0)} MiB`,
  );
  table.push([
    logInput,
    "parse + stitch (pure parser)",
    s2(lp.seconds),
    `${Math.round(lp.lines / lp.seconds / 1000)}k lines/s`,
    `${lp.peakRssMB.toFixed(0)} MiB`,
    "—",
  ]);
  secondsOf("cat", [logFile]); // same page cache for the tools as for us
  const grepS = secondsOf("grep", ["-c", "ECONNRESET", logFile]);
  console.log(`grep -c ECONNRESET: ${grepS.toFixed(3)} s`);
  const lnav = lnavAnchor(logFile);
  if (lnav) {
    const ok = lnav.matchedLines === lines;
    console.log(
      `lnav (edgemicro_log format, aggregate per target): ${s2(lnav.seconds)}; format matched ${lnav.matchedLines} of ${lines} lines${ok ? "" : " !! the format does not match every line"}`,
    );
    for (const t of lnav.targets) console.log(`  ${t.target}: ${t.lines} lines, ${t.s502} with status 502`);
    table.push([
      "same file",
      "anchor: `lnav` parse + aggregate per target",
      s2(lnav.seconds),
      `${Math.round(lines / lnav.seconds / 1000)}k lines/s`,
      "—",
      "—",
    ]);
  } else console.log("lnav not installed: no anchor");

  const capFile = path.join(dir, "bench.pcap");
  synthesizeCapture(capFile, captureMB);
  const capBytes = statSync(capFile).size;
  const capInput = `capture, ${mb(capBytes)} MB`;
  console.log(`\n== capture: ${mb(capBytes)} MB ==`);
  const cp = phase<{ seconds: number; packets: number; connections: number; races: number; peakRssMB: number }>(
    "capture-parse",
    { file: capFile, target: TARGET },
  );
  console.log(
    `read + track + classify (pure): ${cp.seconds.toFixed(2)} s, ${(capBytes / MB / cp.seconds).toFixed(0)} MB/s, ${Math.round(cp.packets / cp.seconds)} packets/s, ${cp.connections} connections (${cp.races} races), peak RSS ${cp.peakRssMB.toFixed(0)} MiB`,
  );
  table.push([
    `${capInput}, ${(cp.packets / 1e6).toFixed(2)} M packets`,
    "read + track + classify (pure parser)",
    s2(cp.seconds),
    `${(capBytes / MB / cp.seconds).toFixed(0)} MB/s`,
    `${cp.peakRssMB.toFixed(0)} MiB`,
    "—",
  ]);
  secondsOf("cat", [capFile]);
  const tshark = tsharkAnchor(capFile);
  if (tshark) {
    console.log(`tshark -q -z conv,tcp: ${s2(tshark.seconds)}`);
    table.push([
      "same file",
      "anchor: `tshark -q -z conv,tcp`",
      s2(tshark.seconds),
      `${(capBytes / MB / tshark.seconds).toFixed(0)} MB/s`,
      "—",
      "—",
    ]);
  } else console.log("tshark not installed: no anchor");

  // ---- what the user waits for: the real server ----
  console.log(`\n== through the server (${serverDb}): upload → parsed ==`);
  const server = await startServer(path.join(dir, "server-data"), process.env.BENCH_DATABASE_URL);
  let logRun: IngestRun;
  let capRun: IngestRun;
  try {
    // A small bundle first, so compiling routes and the first render of each page are not in the figures: a log and
    // a capture, and the parsed incident's page a few times (its charts of both kinds drawn once, as on a server that
    // has shown one incident before).
    const warmLog = path.join(dir, "edgemicro-warmup-1-api.log");
    const warmCapture = path.join(dir, "warmup.pcap");
    await synthesizeLog(warmLog, 1000);
    synthesizeCapture(warmCapture, 2);
    const warm = await ingestThroughServer(server, [warmLog, warmCapture]);
    const warmPage = await getPage(server, warm.pagePath, 3);
    console.log(
      `warm-up (1,000-line log, 2 MB capture): upload → parsed ${s2(warm.totalS)}, then its page ${warmPage.join(" / ")} ms`,
    );
    logRun = await ingestThroughServer(server, [logFile]);
    printServerIngest("gateway log", logRun, logBytes, { name: "lines", count: lines });
    capRun = await ingestThroughServer(server, [capFile]);
    printServerIngest("capture", capRun, capBytes, { name: "packets", count: cp.packets });
  } finally {
    await server.stop();
  }
  const logRow = [
    "same file",
    `**upload → parsed, real server (${serverDb})**`,
    `**${s2(logRun.totalS)}**`,
    `${Math.round(lines / logRun.totalS / 1000)}k lines/s`,
    `${logRun.peak?.hwmMiB.toFixed(0) ?? "?"} MiB`,
    latency(logRun),
  ];
  table.splice(lnav ? 2 : 1, 0, logRow);
  table.push([
    "same file",
    `**upload → parsed, real server (${serverDb})**`,
    `**${s2(capRun.totalS)}**`,
    `${(capBytes / MB / capRun.totalS).toFixed(0)} MB/s`,
    `${capRun.peak?.hwmMiB.toFixed(0) ?? "?"} MiB`,
    latency(capRun),
  ]);

  const linesPerS = lines / logRun.totalS;
  goals.push(
    `- log upload → parsed ≥ 100k lines/s: ${Math.round(linesPerS / 1000)}k lines/s — ${mark(linesPerS >= 100_000)}`,
  );
  if (lnav)
    goals.push(
      `- log upload → parsed ≤ 3 × lnav: ours / lnav = ${(logRun.totalS / lnav.seconds).toFixed(2)} — ${mark(logRun.totalS <= 3 * lnav.seconds)}`,
    );
  if (tshark)
    goals.push(
      `- capture upload → parsed faster than tshark (aim 3×): ours / tshark = ${(capRun.totalS / tshark.seconds).toFixed(2)} — ${mark(capRun.totalS < tshark.seconds)}${capRun.totalS * 3 <= tshark.seconds ? " (aim met)" : ""}`,
    );
  const worstP99 = Math.max(logRun.page.p99, logRun.api.p99, capRun.page.p99, capRun.api.p99);
  goals.push(
    `- pages answer in under 300 ms while an ingest runs: worst p99 ${worstP99.toFixed(0)} ms — ${mark(worstP99 < 300)}`,
  );
  goals.push(
    `- parse + stitch (pure) vs grep -c ECONNRESET: ${(lp.seconds / grepS).toFixed(0)}×; upload → parsed vs grep: ${(logRun.totalS / grepS).toFixed(0)}×`,
  );

  if (inProcess) {
    console.log("\n== in one process (the worker alone) ==");
    const li = phase<IngestResult>("ingest", { dataDir: freshDb("db-log"), files: [logFile] });
    printIngest("log: full ingest on PGlite (redact, parse, line index, transactions, aggregates)", li, {
      name: "lines",
      count: lines,
    });
    const ci = phase<IngestResult>("ingest", { dataDir: freshDb("db-capture"), files: [capFile] });
    printIngest("capture: full ingest on PGlite (read, track, classify, store connections)", ci, {
      name: "packets",
      count: cp.packets,
    });
  }

  if (scale) {
    rmSync(capFile);
    rmSync(logFile);
    const bigLog = path.join(dir, "edgemicro-bench-2-api.log");
    const bigLines = await synthesizeLog(bigLog, 5_000_000);
    const bigCap = path.join(dir, "big.pcap");
    synthesizeCapture(bigCap, 2000);
    console.log(
      `\n== scale: one incident, log ${bigLines} lines (${mb(statSync(bigLog).size)} MB) + capture ${mb(statSync(bigCap).size)} MB ==`,
    );
    const si = phase<IngestResult>("ingest", { dataDir: freshDb("db-scale"), files: [bigLog, bigCap] });
    printIngest("full ingest on PGlite, both files", si, { name: "lines", count: bigLines });
  }

  console.log(
    `\n## Benchmark (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, load average at the end ${os.loadavg()[0].toFixed(1)})\n`,
  );
  console.log("| Input | Step | Time | Rate | Peak RSS | Latency while parsing (p50 / p99 / max) |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const row of table) console.log(`| ${row.join(" | ")} |`);
  console.log(`\nIssue 18's goals:\n${goals.join("\n")}`);
} finally {
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
}
