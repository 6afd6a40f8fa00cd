// Runs one scenario's backends and relays in their own process (own event loop, apart from the
// gateway and the client). Usage: node world.mjs SCENARIO SCRATCHDIR   (stops on SIGTERM)
import path from "node:path";
import { scenarioByName } from "./random.mjs";
import { startBackend } from "./backend.mjs";
import { startRelay } from "./relay.mjs";
import { resolverAddress, startDnsStub } from "./dns.mjs";
import { tlsFiles } from "./tls.mjs";

const [name, scratch] = process.argv.slice(2);
const { sc } = scenarioByName(name);
const running = [];
if (sc.net?.dns === "nxdomain")
  running.push(await startDnsStub(resolverAddress(), path.join(scratch, "dns-events.jsonl")));
for (const t of sc.targets) {
  if (!t.backend) continue; // a target nobody listens on
  // an https target's key and certificate, made by record.mjs before the gateway's config (tls.mjs)
  const backend = t.backend.tls
    ? {
        ...t.backend,
        tls: {
          ...tlsFiles(scratch, t),
          closeNotify: !!t.backend.tls.closeNotify,
          requireClientCert: !!t.backend.tls.requireClientCert,
          maxVersion: t.backend.tls.maxVersion,
        },
      }
    : t.backend;
  running.push(await startBackend(backend, path.join(scratch, "backend-events.jsonl")));
  if (t.relay) {
    running.push(
      await startRelay({
        listen: t.listen,
        upstream: { host: t.backend.host, port: t.backend.port },
        latency: t.latency,
        mapFile: path.join(scratch, "relay-map.jsonl"),
      }),
    );
  }
}
process.send?.({ ready: true });
const stop = async () => {
  await Promise.race([Promise.all(running.map((r) => r.close())), new Promise((r) => setTimeout(r, 1000))]);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
