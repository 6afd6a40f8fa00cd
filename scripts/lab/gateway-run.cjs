// Runs the real microgateway-core (installed in scripts/lab/.gateway by record.mjs) as a library,
// the way edgemicro does: load ORG-ENV-config.yaml, set the org/env the log lines carry, start.
// Usage: node gateway-run.cjs CONFIG.yaml ORG ENV    (stops on SIGTERM)
// LAB_GATEWAY_WORKERS=N runs it as `edgemicro start` does on an N-core host: a cluster of N workers sharing the
// port, each with its own pool of target sockets, logging through the primary, which writes the one file
// (microgateway-core's lib/logging.js: a worker's lines carry its worker id as PID).
"use strict";
const path = require("path");
const fs = require("fs");
const cluster = require("cluster");
const mods = path.join(__dirname, ".gateway", "node_modules");
const yaml = require(path.join(mods, "js-yaml"));
const [configFile, org, env] = process.argv.slice(2);
process.env.CurrentOrgName = org;
process.env.CurrentEnvironmentName = env;
const config = (yaml.safeLoad || yaml.load)(fs.readFileSync(configFile, "utf8"));
const workers = Number(process.env.LAB_GATEWAY_WORKERS || 0);

// LAB_GATEWAY_RESTART='{"atMs":N,"kind":"crash"|"reload"}' (cluster): N ms after the cluster is ready, one worker
// dies (SIGKILL) and the primary forks its replacement at once, or every worker is replaced as `edgemicro reload`
// does (new workers first, then each old one disconnected and killed once its channel is gone).
// '{"atMs":N,"kind":"process","downMs":M}' (one process): the gateway process is killed and started again M ms later. The times go to
// LAB_GATEWAY_EVENTS (JSON lines) for the truth: a dying worker's target sockets close with its process.
const restart = process.env.LAB_GATEWAY_RESTART ? JSON.parse(process.env.LAB_GATEWAY_RESTART) : null;
const event = (e) =>
  process.env.LAB_GATEWAY_EVENTS &&
  fs.appendFileSync(process.env.LAB_GATEWAY_EVENTS, JSON.stringify({ ...e, t: Date.now() }) + "\n");

// Workers the primary stops on the way out, and how long it lets the last log lines reach the file.
let forked = [];
let flushMs = 300;
let stopping = false;
if (workers > 0 && cluster.isPrimary) {
  flushMs = 600; // the workers' last lines go through the primary
  let listening = 0;
  let ready = false;
  const core = require(path.join(mods, "microgateway-core"));
  config.uid = require(path.join(mods, "uuid")).v4();
  // As edgemicro's cluster manager (cli/lib/reload-cluster.js): the worker's whole message to writeLogRecord, and
  // its own lines about the workers.
  let logger;
  const fork = () => {
    const w = cluster.fork();
    forked.push(w);
    w.on("message", (m) => {
      if (m?.msg) logger.writeLogRecord(m);
      if (m?.ready && !ready && ++listening === workers) {
        ready = true;
        process.send?.({ ready: true, uid: config.uid, port: m.port, workers });
        if (restart) setTimeout(restartWorkers, restart.atMs);
      }
    });
    return w;
  };
  for (let i = 0; i < workers; i++) fork();
  // The primary's logger must be made after the workers exist: it listens to each one's messages.
  logger = core.Logging.init(config, { org, env });
  cluster.on("online", (w) => logger.info(`worker ${w.id} is online ...`));
  cluster.on("listening", (w) => logger.info(`handleWorkerListening ${w.id}`));
  cluster.on("disconnect", (w) => !stopping && logger.info(`emitWorkerDisconnect ${w.id}`));
  cluster.on("exit", (w, code, signal) => {
    event({ event: "exit", worker: w.id, signal });
    if (!stopping) logger.warn(`handleWorkerExit ${w.id} :: ${w.process ? w.process.pid : "--"}`);
    forked = forked.filter((x) => x !== w);
    // a worker that died on its own is replaced at once (handleWorkerExit); a reload forked its successors already
    if (!stopping && restart?.kind === "crash") fork();
  });
  const restartWorkers = () => {
    if (restart.kind === "crash") {
      const w = forked[0];
      event({ event: "kill", worker: w.id });
      w.process.kill("SIGKILL");
      return;
    }
    const old = [...forked];
    const successors = Array.from({ length: workers }, fork);
    let up = 0;
    for (const s of successors)
      s.once("listening", () => {
        if (++up < workers) return;
        for (const w of old) {
          event({ event: "disconnect", worker: w.id });
          w.disconnect();
          // clearOutStoppedProcesses: a worker no longer connected but not dead is killed
          const reap = setInterval(() => {
            if (w.isDead()) clearInterval(reap);
            else if (!w.isConnected()) {
              event({ event: "kill", worker: w.id });
              w.process.kill("SIGKILL");
              clearInterval(reap);
            }
          }, 50);
        }
      });
  };
} else if (restart?.kind === "process" && !process.env.LAB_GATEWAY_CHILD) {
  // One gateway process (edgemicro with `--cluster false`, or microgateway-core under a service manager): atMs after
  // it is ready it is killed (SIGKILL: a crash, an OOM kill) and the service manager starts it again downMs after it
  // exited. microgateway-core gives each process a new uid, so the new one writes a new log file
  // (edgemicro-HOST-NEWUID-1-api.log); nobody logs the exit.
  flushMs = 600;
  const { fork } = require("child_process");
  const start = (first) => {
    const child = fork(__filename, process.argv.slice(2), { env: { ...process.env, LAB_GATEWAY_CHILD: "1" } });
    const w = { id: "process", process: child };
    forked.push(w);
    child.on("message", (m) => {
      if (!m?.ready) return;
      event({ event: "start", worker: w.id });
      if (!first) return;
      process.send?.(m);
      setTimeout(() => {
        event({ event: "kill", worker: w.id });
        child.kill("SIGKILL");
      }, restart.atMs);
    });
    child.on("exit", (code, signal) => {
      event({ event: "exit", worker: w.id, signal });
      forked = forked.filter((x) => x !== w);
      if (!stopping && first) setTimeout(() => !stopping && start(false), restart.downMs ?? 1000);
    });
  };
  start(true);
} else {
  const gateway = require(path.join(mods, "microgateway-core"))(config);
  gateway.start((err, server) => {
    if (err) {
      console.error("gateway failed to start", err);
      process.exit(1);
    }
    process.send?.({ ready: true, uid: config.uid, port: server.address().port });
  });
}
const stop = () => {
  stopping = true;
  for (const w of forked) w.process.kill("SIGTERM");
  // let the logger flush its last write, then leave: the agent's pooled sockets close with the process
  setTimeout(() => process.exit(0), flushMs);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
