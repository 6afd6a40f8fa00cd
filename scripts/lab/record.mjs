#!/usr/bin/env node
// Records lab scenarios with the real gateway and writes fixtures.
// Usage: node scripts/lab/record.mjs <scenario|all> [...more]   (npm run lab -- race-1s)
//        node scripts/lab/record.mjs random:SEED [--out DIR] [--duration S]   (a seeded random world, random.mjs; fixture random-SEED)
//        node scripts/lab/record.mjs --refixture <scenario...>   (truth + fixture again from .scratch, no recording)
// Needs root (tcpdump), tshark, editcap, and the npm registry the first time (gateway install).
import { spawn, fork, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scenarios, derived } from "./scenarios.mjs";
import { scenarioByName } from "./random.mjs";
import { configYaml, ORG, ENV } from "./config.mjs";
import { runClient } from "./client.mjs";
import { computeTruth } from "./truth.mjs";
import { writeFixture, writeDerived } from "./fixture.mjs";
import { setupNet } from "./net.mjs";
import { makeCerts } from "./tls.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const gatewayDir = path.join(here, ".gateway");
const scratchRoot = path.join(here, ".scratch");
export const defaultFixturesRoot = path.join(repo, "lib/analysis/__fixtures__/lab");
const outAt = process.argv.indexOf("--out");
// --out DIR: write the fixture under DIR instead of the app's fixture set (blind runs, scored with score.ts --dir DIR)
export const fixturesRoot = outAt > 0 ? path.resolve(process.argv[outAt + 1]) : defaultFixturesRoot;
// --duration S: the same world recorded for S seconds (fixture NAME-Ss): many more idle closes, races and failures
// than the usual minute, as a long incident gives; the world's restarts stay where its own duration put them.
const durationAt = process.argv.indexOf("--duration");
const durationS = durationAt > 0 ? Number(process.argv[durationAt + 1]) : null;
const GATEWAY_VERSION = "3.3.7";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = new Set();
function killAll() {
  for (const c of children) {
    try {
      process.kill(c.pid, "SIGKILL");
    } catch {}
  }
  children.clear();
}
process.on("exit", killAll);
for (const s of ["SIGINT", "SIGTERM"])
  process.on(s, () => {
    killAll();
    process.exit(130);
  });

function ensureGateway() {
  const pj = path.join(gatewayDir, "node_modules/microgateway-core/package.json");
  if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).version === GATEWAY_VERSION) return;
  fs.mkdirSync(gatewayDir, { recursive: true });
  console.log(`installing microgateway-core@${GATEWAY_VERSION} into ${gatewayDir}`);
  execFileSync(
    "npm",
    ["install", "--prefix", gatewayDir, "--no-audit", "--no-fund", `microgateway-core@${GATEWAY_VERSION}`],
    { stdio: "inherit" },
  );
}

// Start a child and wait for it to say it is ready (IPC message or a stderr line).
function startChild(kind, proc, readyTest, timeoutMs = 10000) {
  children.add(proc);
  proc.on("exit", () => children.delete(proc));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} not ready after ${timeoutMs} ms`)), timeoutMs);
    const ok = (v) => {
      clearTimeout(timer);
      resolve(v);
    };
    proc.on("message", (m) => {
      if (m?.ready) ok(m);
    });
    proc.stderr?.on("data", (d) => {
      const s = d.toString();
      if (readyTest?.(s)) ok(s);
      else process.stderr.write(`[${kind}] ${s}`);
    });
    proc.on("exit", (code) => reject(new Error(`${kind} exited early (${code})`)));
  });
}
async function stopChild(proc, signal = "SIGTERM", waitMs = 5000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill(signal);
  if (await Promise.race([exited.then(() => true), sleep(waitMs).then(() => false)])) return;
  proc.kill("SIGKILL");
  await exited;
}

async function record(asked, { refixture = false } = {}) {
  const { name, sc } = scenarioByName(durationS ? `${asked}-${durationS}s` : asked);
  if (!sc) throw new Error(`unknown scenario ${name}`);
  const scratch = path.join(scratchRoot, name);
  const logDir = `/var/tmp/emg-lab/${name}`;
  const fullPcap = path.join(scratch, "full.pcap");
  const configFile = path.join(scratch, `${ORG}-${ENV}-config.yaml`);
  if (!refixture) await recordRun(name, sc, scratch, logDir, configFile, fullPcap);
  return writeOut(name, sc, scratch, logDir, configFile, fullPcap);
}

async function recordRun(name, sc, scratch, logDir, configFile, fullPcap) {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  fs.writeFileSync(configFile, configYaml(sc, logDir, makeCerts(sc, scratch)));
  // https targets: the gateway writes its TLS session keys (Node's --tls-keylog), so tshark can read the handshake's
  // encrypted end (TLS 1.3) for the truth; the keys stay in .scratch, the fixture's capture is as a customer's.
  const https = sc.targets.some((t) => t.scheme === "https");
  const started = Date.now();
  let tcpdump, world, gateway;
  let tcpdumpErr = "";
  const teardownNet = setupNet(sc.net);
  try {
    // Both legs (gateway↔relay, relay↔backend) on loopback; the client→gateway leg is left out,
    // and so is anything else on the machine's loopback.
    // Targets named by a host name (dns-*) have no address: their lookups are recorded instead (udp port 53).
    const isIp = (h) => /^[\d.]+$/.test(h);
    const hosts = [...new Set(sc.targets.flatMap((t) => [t.listen.host, t.backend?.host].filter((h) => h && isIp(h))))];
    const tcp = `tcp and (${hosts.map((h) => `host ${h}`).join(" or ")}) and not port ${sc.gateway.port}`;
    const bpf = sc.targets.some((t) => !isIp(t.listen.host)) ? `(${tcp}) or udp port 53` : tcp;
    fs.writeFileSync(path.join(scratch, "tcpdump.txt"), `tcpdump -i any -s 0 -U -n -B 16384 -w full.pcap '${bpf}'\n`);
    tcpdump = spawn("tcpdump", ["-i", "any", "-s", "0", "-U", "-n", "-B", "16384", "-w", fullPcap, bpf], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    tcpdump.stderr.on("data", (d) => {
      tcpdumpErr += d;
    });
    await startChild("tcpdump", tcpdump, (s) => s.includes("listening on"));
    world = fork(path.join(here, "world.mjs"), [name, scratch], { stdio: ["ignore", "inherit", "pipe", "ipc"] });
    await startChild("world", world);
    gateway = fork(path.join(here, "gateway-run.cjs"), [configFile, ORG, ENV], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: https ? [`--tls-keylog=${path.join(scratch, "tls-keys.log")}`] : [],
      env: {
        ...process.env,
        LAB_GATEWAY_WORKERS: String(sc.gateway.workers ?? 0),
        ...(sc.gatewayRestart
          ? {
              LAB_GATEWAY_RESTART: JSON.stringify(sc.gatewayRestart),
              LAB_GATEWAY_EVENTS: path.join(scratch, "gateway-events.jsonl"),
            }
          : {}),
      },
    });
    gateway.stdout.on("data", (d) => fs.appendFileSync(path.join(scratch, "gateway-console.log"), d));
    gateway.stderr.on("data", (d) => fs.appendFileSync(path.join(scratch, "gateway-console.log"), d));
    await startChild("gateway", gateway);
    console.log(`[${name}] recording ${sc.durationS} s …`);
    await runClient(sc, sc.gateway.port, sc.durationS * 1000, path.join(scratch, "client.jsonl"));
    // A request the client gave up on may still be open toward its target (the gateway does not abort a GET its
    // client left): let the slowest answer come before the gateway is stopped, so no close at shutdown reads as a failure.
    const linger = Math.max(0, ...sc.targets.map((t) => t.backend?.slow?.delayMs ?? t.backend?.drip?.restAfterMs ?? 0));
    await sleep(1500 + linger);
  } finally {
    if (gateway) await stopChild(gateway);
    await sleep(300);
    if (world) await stopChild(world);
    // tcpdump hands packets over in blocks retired after ≤ 1 s: let the last closes reach the file
    await sleep(2500);
    if (tcpdump) await stopChild(tcpdump, "SIGINT");
    killAll();
    teardownNet();
  }
  const dropped = /(\d+) packets dropped by kernel/.exec(tcpdumpErr);
  if (!dropped || Number(dropped[1]) !== 0)
    throw new Error(`tcpdump lost packets (${dropped?.[0] ?? "no stats"}): record again`);
  console.log(`[${name}] recorded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

// Truth and fixture from a recording's scratch dir (also: --refixture NAME redoes only this part).
function writeOut(name, sc, scratch, logDir, configFile, fullPcap) {
  const logFiles = fs
    .readdirSync(logDir)
    .filter((f) => /^edgemicro-.*-api\.log$/.test(f))
    .map((f) => path.join(logDir, f));
  const client = fs
    .readFileSync(path.join(scratch, "client.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const truth = computeTruth({ name, sc, fullPcap, mapFile: path.join(scratch, "relay-map.jsonl"), logFiles, client });
  const dir = writeFixture({
    name,
    sc,
    scratch,
    configFile,
    logFiles,
    fullPcap,
    truth,
    client,
    withDefault: name === "race-1s",
    fixturesRoot,
  });
  console.log(`[${name}] fixture ${path.relative(repo, dir)}`);
  console.log(
    `[${name}] counts ${JSON.stringify(truth.counts)} 502=${truth.log.status502} 504=${truth.log.status504} cause=${truth.expectedCause}`,
  );
  return truth;
}

const argv = process.argv.slice(2);
const refixture = argv.includes("--refixture");
const args = argv.filter(
  (a, i) => !["--refixture", "--out", "--duration"].includes(a) && !["--out", "--duration"].includes(argv[i - 1]),
);
if (!args.length) {
  console.error(`usage: record.mjs <${[...Object.keys(scenarios), ...Object.keys(derived)].join("|")}|all>`);
  process.exit(2);
}
ensureGateway();
const names = args.includes("all")
  ? [...Object.keys(scenarios).filter((n) => !scenarios[n].manual), ...Object.keys(derived)]
  : args;
const failed = [];
for (const n of names) {
  try {
    if (derived[n]) writeDerived({ name: n, d: derived[n], fixturesRoot: defaultFixturesRoot });
    else await record(n, { refixture });
  } catch (e) {
    console.error(`[${n}] FAILED: ${e.stack ?? e}`);
    failed.push(n);
  }
}
if (failed.length) {
  console.error(`failed: ${failed.join(" ")}`);
  process.exitCode = 1;
}
