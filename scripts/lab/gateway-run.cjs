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

// Workers the primary stops on the way out, and how long it lets the last log lines reach the file.
let forked = [];
let flushMs = 300;
if (workers > 0 && cluster.isPrimary) {
  forked = Array.from({ length: workers }, () => cluster.fork());
  flushMs = 600; // the workers' last lines go through the primary
  let listening = 0;
  const core = require(path.join(mods, "microgateway-core"));
  // The primary's logger must be made after the workers exist: it listens to each one's messages.
  config.uid = require(path.join(mods, "uuid")).v4();
  const logger = core.Logging.init(config, { org, env });
  // As edgemicro's cluster manager (cli/lib/reload-cluster.js): the worker's whole message to writeLogRecord, and
  // its own lines about the workers.
  cluster.on("online", (w) => logger.info(`worker ${w.id} is online ...`));
  cluster.on("listening", (w) => logger.info(`handleWorkerListening ${w.id}`));
  for (const w of forked)
    w.on("message", (m) => {
      if (m?.msg) logger.writeLogRecord(m);
      if (m?.ready && ++listening === workers) process.send?.({ ready: true, uid: config.uid, port: m.port, workers });
    });
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
  for (const w of forked) w.process.kill("SIGTERM");
  // let the logger flush its last write, then leave: the agent's pooled sockets close with the process
  setTimeout(() => process.exit(0), flushMs);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
