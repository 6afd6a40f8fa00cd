// Runs the real microgateway-core (installed in scripts/lab/.gateway by record.mjs) as a library,
// the way edgemicro does: load ORG-ENV-config.yaml, set the org/env the log lines carry, start.
// Usage: node gateway-run.cjs CONFIG.yaml ORG ENV    (stops on SIGTERM)
"use strict";
const path = require("path");
const fs = require("fs");
const mods = path.join(__dirname, ".gateway", "node_modules");
const yaml = require(path.join(mods, "js-yaml"));
const [configFile, org, env] = process.argv.slice(2);
process.env.CurrentOrgName = org;
process.env.CurrentEnvironmentName = env;
const config = (yaml.safeLoad || yaml.load)(fs.readFileSync(configFile, "utf8"));
const gateway = require(path.join(mods, "microgateway-core"))(config);
gateway.start((err, server) => {
  if (err) {
    console.error("gateway failed to start", err);
    process.exit(1);
  }
  process.send?.({ ready: true, uid: config.uid, port: server.address().port });
});
const stop = () => {
  // let the logger flush its last write, then leave: the agent's pooled sockets close with the process
  setTimeout(() => process.exit(0), 300);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
