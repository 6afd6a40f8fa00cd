/**
 * The collector's entry (bundled into one dependency-free emg-collect.mjs by scripts/collector/build.mjs):
 * discover → preflight → capture (until N 502s / duration / Ctrl-C) → redact → tar.gz → upload.
 */
import dns from "node:dns/promises";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, USAGE } from "./args";
import { CollectError, findConfig, findLogs, isLiveLog, type FoundLogs } from "./discover";
import { buildFilter, resolveTargets, targetsOf, tcpdumpArgs } from "./filter";
import { findTcpdump, freeBytes, preflightProblems } from "./preflight";
import { FLUSH_MS, lostPackets, PcapCounter, startTcpdump, tcpdumpStats } from "./capture";
import { LogWatcher, stopReason, type StopReason } from "./watch";
import { describeRedactions, redactFiles } from "./redact-files";
import { tarGz, type TarEntry } from "./tar";
import { UploadFailed, uploadBundle } from "./upload";

const say = (s: string) => process.stderr.write(`${s}\n`);
const tty = process.stderr.isTTY;
/** The live line: rewritten in place on a terminal, one line per 5 s otherwise (logs, CI). */
let lastPlain = 0;
function status(s: string) {
  if (tty) process.stderr.write(`\r\x1b[K${s}`);
  else if (Date.now() - lastPlain >= 5000) {
    lastPlain = Date.now();
    say(s);
  }
}
const clock = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const host = os.hostname();
  const cfg = findConfig({ configPath: args.config, home: os.homedir() });
  say(`config: ${cfg.path} (${cfg.why})`);
  for (const o of cfg.others) say(`  not taken: ${o}`);
  if (!cfg.config)
    say("  warning: the config could not be read as YAML; logs are looked for in the default directory.");
  const logs: FoundLogs = findLogs({ logDir: args.logDir, config: cfg.config, hostname: host });
  say(`logs: ${logs.files.length} file(s) in ${logs.dir} (${logs.why})`);
  for (const f of logs.files) say(`  ${path.basename(f)}`);

  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const out = path.resolve(args.out ?? `emg-bundle-${host}-${stamp}.tar.gz`);
  const logBytes = logs.files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const tcpdump = args.capture ? findTcpdump(process.env.PATH) : null;
  const problems = preflightProblems(
    { uid: process.getuid?.() ?? null, tcpdump, freeBytes: freeBytes(path.dirname(out)), outDir: path.dirname(out) },
    { capture: args.capture, bundleBytes: args.logsAndConfig ? logBytes * 2 : 0 },
  );
  if (problems.length) throw new CollectError(problems.join("\n"));

  const entries: TarEntry[] = [];
  const report: string[] = [
    `emg-collect on ${host} at ${new Date().toISOString()}`,
    `config: ${cfg.path} (${cfg.why})`,
    `logs: ${logs.dir} (${logs.why})`,
  ];
  let stopped: StopReason | null = null;
  if (args.capture) {
    const captured = await capture(args, cfg.config, logs, report);
    stopped = captured.reason;
    entries.push({ name: "capture.pcap", data: fs.readFileSync(captured.file) });
    fs.rmSync(captured.dir, { recursive: true, force: true });
  }

  // Logs are read after the capture, so they hold the 502s it caught.
  const { redacted, skipped } = args.logsAndConfig
    ? await redactFiles([
        { file: cfg.path, name: `config/${path.basename(cfg.path)}` },
        ...logs.files.map((f) => ({ file: f, name: `logs/${path.basename(f)}` })),
      ])
    : { redacted: [], skipped: [] };
  for (const s of skipped) say(s);
  if (skipped.length) report.push("left out:", ...skipped);
  const lines = describeRedactions(redacted);
  say(
    lines.length
      ? `redacted on this host before packing:\n${lines.map((l) => `  ${l}`).join("\n")}`
      : "redacted: nothing (no secret found)",
  );
  report.push("redacted:", ...(lines.length ? lines : ["(nothing)"]));
  entries.push(...redacted.map((r) => ({ name: r.name, data: r.data })));
  entries.push({ name: "emg-collect-report.txt", data: Buffer.from(report.join("\n") + "\n") });

  const bundle = tarGz(entries);
  fs.writeFileSync(out, bundle);
  say(`bundle: ${out} (${(bundle.length / 1024).toFixed(0)} KiB${stopped ? `, capture stopped: ${stopped}` : ""})`);
  if (!args.upload) {
    say("Send this file to support, or upload it on the page of your upload link.");
    return 0;
  }
  const shareUrl = await uploadBundle(args.upload, path.basename(out), bundle, {
    onProgress: (sent, total) => status(`uploading ${Math.round((sent / total) * 100)} %`),
    onRetry: (i, why) => say(`\nthe connection dropped (${why}); retrying (attempt ${i + 1})…`),
  });
  if (tty) process.stderr.write("\n");
  say("uploaded. Read-only link to the result (keep it):");
  process.stdout.write(`${shareUrl}\n`);
  return 0;
}

async function capture(
  args: ReturnType<typeof parseArgs>,
  config: ReturnType<typeof findConfig>["config"],
  logs: FoundLogs,
  report: string[],
) {
  if (!config)
    throw new CollectError(
      "The config could not be read, so the targets to capture are unknown. Give the config with --config PATH.",
    );
  const wanted = targetsOf(config);
  if (wanted.length === 0)
    throw new CollectError("The config lists no proxy with a target url: nothing to capture. Run with --no-capture.");
  const targets = await resolveTargets(wanted, async (h) => (await dns.lookup(h, { all: true })).map((a) => a.address));
  for (const t of targets)
    if (t.addresses.length === 0)
      say(`warning: ${t.host} does not resolve here; capturing port ${t.port} on any host for it.`);
  const filter = buildFilter(targets);
  say(
    `targets: ${targets.map((t) => `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}${t.addresses.length && t.addresses[0] !== t.host ? ` (${t.addresses.join(", ")})` : ""}`).join(", ")}`,
  );
  say(`tcpdump ${tcpdumpArgs("capture.pcap", `'${filter}'`).join(" ")}`);
  report.push(`capture filter: ${filter}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emg-collect-"));
  fs.chmodSync(dir, 0o755); // tcpdump may drop privileges to its own user before opening the file
  const file = path.join(dir, "capture.pcap");
  const tcpdump = await startTcpdump(findTcpdump(process.env.PATH)!, tcpdumpArgs(file, filter));
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const watcher = new LogWatcher(logs.dir, (n) => /^edgemicro-/.test(n) && isLiveLog(n));
  watcher.start();
  const counter = new PcapCounter(file);
  const started = Date.now();
  const durationMs = args.durationS * 1000;
  say(
    args.until502
      ? `capturing until ${args.until502} new 502(s) are logged or ${clock(durationMs)} passed; reproduce the problem now (Ctrl-C stops)`
      : `capturing for ${clock(durationMs)} (Ctrl-C stops)`,
  );
  let reason: StopReason | null = null;
  try {
    while (
      !(reason = stopReason({
        new502: watcher.poll(),
        until502: args.until502,
        elapsedMs: Date.now() - started,
        durationMs,
        interrupted,
      }))
    ) {
      if (tcpdump.proc.exitCode !== null)
        throw new CollectError(`tcpdump stopped on its own: ${tcpdump.stderr().trim()}`);
      const left = durationMs - (Date.now() - started);
      status(
        `capturing: ${counter.poll()} packets, ${watcher.count}${args.until502 ? `/${args.until502}` : ""} new 502s, ${clock(left)} left`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    (tty ? status : say)(
      `finishing the capture: ${FLUSH_MS / 1000} s more for the packets tcpdump has not written yet`,
    );
  } finally {
    await tcpdump.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (tty) process.stderr.write("\n");
  const stats = tcpdumpStats(tcpdump.stderr());
  say(`capture stopped (${reason}): ${stats.captured ?? counter.poll()} packets, ${watcher.count} new 502s`);
  report.push(
    `capture stopped: ${reason}, ${watcher.count} new 502s`,
    `tcpdump: ${stats.captured ?? "?"} packets captured, ${stats.received ?? "?"} received by filter, ${stats.droppedByKernel ?? "?"} dropped by kernel`,
  );
  const lost = lostPackets(stats);
  if (lost) {
    say(`warning: ${lost}`);
    report.push(`warning: ${lost}`);
  }
  return { file, dir, reason };
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (tty) process.stderr.write("\n");
    say(
      e instanceof CollectError || e instanceof UploadFailed
        ? `emg-collect: ${(e as Error).message}`
        : `emg-collect failed: ${(e as Error).stack ?? e}`,
    );
    process.exit(1);
  },
);
