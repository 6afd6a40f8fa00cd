// `npm run bench [logLines=1000000] [captureMB=500]`: synthesizes large inputs and prints throughput, peak RSS,
// and the time of grep / tshark on the same files as a ratio. Figures only; nothing here asserts.
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { LogLineParser, TransactionStitcher } from "../lib/parsers/log";
import { openDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { blobStore, createIncident } from "../lib/ingest/bundle";
import { startWorker } from "../lib/jobs/worker";
import { benchCapture } from "../lib/parsers/pcap/bench";

const logLines = Number(process.argv[2] ?? 1_000_000);
const captureMB = Number(process.argv[3] ?? 500);
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-bench-"));
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
const secondsOf = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Five lines per transaction as at level info; every 20th transaction fails with a 502 like the sample. */
async function synthesizeLog(file: string, lines: number) {
  const out = createWriteStream(file);
  const t0 = Date.parse("2026-11-23T19:00:00.000Z");
  let written = 0;
  for (let tx = 0; written < lines; tx++) {
    const id = `${(tx + 0x10000000).toString(16)}-4fa5-4dfe-abca-6d2852d5e513`;
    const ts = (d: number) => new Date(t0 + tx * 7 + d).toISOString();
    const pre = (d: number, lvl: string, host: string) => `${ts(d)} [${lvl}][${host}][7600][acme][prod][emg_badtarget/items/${tx}][10.0.0.7][demo-client][${id}]`;
    const fail = tx % 20 === 7;
    const rows = fail
      ? [
          `${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`,
          `${pre(1, "info", "10.9.9.9:8081")}[plugins-middleware][targetRequest][GET][][][][]`,
          `${pre(5, "error", "10.9.9.9:8081")}[plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][4]`,
          `${pre(5, "error", "10.1.2.3:8000")}[microgateway-core][][GET][502][socket hang up][ECONNRESET][]`,
        ]
      : [
          `${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`,
          `${pre(1, "info", "10.9.9.9:8081")}[plugins-middleware][targetRequest][GET][][][][]`,
          `${pre(40, "info", "10.9.9.9:8081")}[plugins-middleware][targetResponse][GET][200][][][39]`,
          `${pre(41, "info", "10.1.2.3:8000")}[plugins-middleware][sourceResponse][GET][200][][][41]`,
          `${pre(42, "info", "10.9.9.9:8081")}[plugins-middleware][targetResponse close][GET][200][][][41]`,
        ];
    written += rows.length;
    if (!out.write(rows.join("\n") + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function benchLogs() {
  const file = path.join(dir, "edgemicro-bench-api.log");
  await synthesizeLog(file, logLines);
  const size = statSync(file).size;
  console.log(`\n== gateway log: ${logLines} lines, ${mb(size)} MB ==`);

  let t0 = process.hrtime.bigint();
  const parser = new LogLineParser();
  const stitcher = new TransactionStitcher();
  let txs = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (const it of parser.push(chunk as Buffer)) if (it.kind === "event") txs += stitcher.add(it).length;
  }
  for (const it of parser.end()) if (it.kind === "event") txs += stitcher.add(it).length;
  txs += stitcher.flush().length;
  const parseS = secondsOf(t0);
  console.log(`parse + stitch: ${parseS.toFixed(2)} s, ${(size / 1e6 / parseS).toFixed(0)} MB/s, ${Math.round(logLines / parseS)} lines/s, ${txs} transactions`);

  t0 = process.hrtime.bigint();
  execFileSync("sh", ["-c", `grep -c ECONNRESET "${file}" > /dev/null || true`]);
  const grepS = secondsOf(t0);
  console.log(`grep -c ECONNRESET: ${grepS.toFixed(2)} s (ours/grep = ${(parseS / grepS).toFixed(1)}x)`);

  const handle = openDb({ pgliteDir: path.join(dir, "pglite") });
  await applyMigrations(handle.factory);
  const store = blobStore(dir);
  const put = await store.put(createReadStream(file));
  t0 = process.hrtime.bigint();
  await createIncident(handle.prisma, store, [{ name: "bench.log", sha256: put.sha256, size: put.size }]);
  const worker = startWorker({ db: handle.prisma, dataDir: dir, concurrency: 1, pollMs: 20 });
  await worker.idle();
  await worker.stop();
  const ingestS = secondsOf(t0);
  console.log(`full ingest on PGlite (parse + storage + aggregates): ${ingestS.toFixed(2)} s, ${(size / 1e6 / ingestS).toFixed(0)} MB/s`);
  await handle.close();
}

try {
  await benchLogs();
  console.log(`peak RSS so far: ${mb(peakRss)} MB`);
  console.log(`\n== capture: ${captureMB} MB synthesized ==`);
  const r = await benchCapture(captureMB);
  console.log(`${r.packets} packets, ${r.connections} connections (${r.races} races)`);
  console.log(`parse + track: ${r.seconds.toFixed(2)} s, ${r.mbPerS.toFixed(1)} MB/s, ${Math.round(r.packetsPerS)} packets/s, peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  console.log(r.tsharkSeconds !== null ? `tshark -q -z conv,tcp: ${r.tsharkSeconds.toFixed(2)} s (tshark/ours = ${r.tsharkRatio!.toFixed(2)}x)` : "tshark not installed: no ratio");
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
