// Rewrites the fixture table in scripts/lab/README.md from every fixture's truth.json.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../lib/analysis/__fixtures__/lab");
const rows = [];
for (const name of fs.readdirSync(root).sort()) {
  const f = path.join(root, name, "truth.json");
  if (!fs.existsSync(f)) continue;
  const t = JSON.parse(fs.readFileSync(f, "utf8"));
  t.targets.forEach((x, i) => {
    const c = x.counts;
    const idle = x.idleCloses.byTarget;
    const other =
      [
        c["tls-handshake-failed"] ? `${c["tls-handshake-failed"]} TLS handshake failed` : "",
        c["target-reset-mid-response"] ? `${c["target-reset-mid-response"]} cut mid-response` : "",
        x.dns ? `${x.lookupFailures} lookups failed (${x.dns.nxdomain ? "NXDOMAIN" : "no resolver"})` : "",
        x.invalidResponses ? `${x.invalidResponses} responses the gateway's parser rejects` : "",
        x.clientAborts?.gaveUp
          ? `client gave up on ${x.clientAborts.gaveUp}${x.clientAborts.gatewayClosed ? ` (${x.clientAborts.gatewayClosed} gw-close by it)` : ""}`
          : "",
        x.workerExitCloses ? `${x.workerExitCloses} gw-close by a dying gateway process` : "",
      ]
        .filter(Boolean)
        .join(", ") || "-";
    rows.push(
      `| ${i ? "" : name} | ${x.target} (${x.proxy}) | ${x.closesAfterResponseMs ? `closes ${x.closesAfterResponseMs.join("–")} ms after each response` : x.connectionClose ? "Connection: close" : (x.idleTimeoutMs ?? "-")} ${x.idleClose ?? ""}${x.keepAliveHintS != null ? ` hint ${x.keepAliveHintS}s` : ""} | ${x.hangupShare ? `${x.hangupShare * 100}% ${x.hangupClose}` : "-"} | ${c.total} | ${c["keepalive-race"]} | ${c["premature-close"]} | ${c.refused}${c["syn-unanswered"] ? ` + ${c["syn-unanswered"]} SYN unanswered` : ""} | ${c["gateway-close"]} | ${other} | ${c.normal} | ${c.unknown} | ${idle.count}${idle.count ? ` (${idle.minMs}–${idle.maxMs})` : ""} | ${x.idleCloses.byGateway.count} | ${x.logTargetRequestErrors} | ${x.expectedCause} | ${i ? "" : `${t.log.status502} / ${t.log.status504}${t.log.status502WithoutWireFailure ? ` (${t.log.status502WithoutWireFailure} not on wire)` : ""}`} | ${i ? "" : t.expectedCause} |`,
    );
  });
}
const table = [
  "| fixture | target (proxy) | idle ms | hang-ups | conns | race | premature | refused | gw-close | other | normal | unknown | idle closes by target (ms) | by gateway | targetRequest errors | target cause | 502 / 504 in log | incident cause |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
const readme = path.join(here, "README.md");
const s = fs.readFileSync(readme, "utf8");
fs.writeFileSync(
  readme,
  s.replace(/(<!-- fixtures:begin[^\n]*-->\n)[\s\S]*?(<!-- fixtures:end -->)/, `$1${table}\n$2`),
);
