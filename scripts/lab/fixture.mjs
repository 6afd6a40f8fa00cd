// Writes one fixture directory: gateway log(s) as written, the config, the gateway-leg capture cut
// out of the full capture with tshark, truth.json and a README describing the world and the counts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ORG, ENV, defaultYaml } from "./config.mjs";
import { TSHARK_ARGS } from "./truth.mjs";

// A target named by a host name that never resolved (dns-*) has no packets of its own: it is left out.
export const captureFilter = (sc) =>
  sc.targets
    .filter((t) => /^[\d.]+$/.test(t.listen.host))
    .map((t) => `(ip.addr==${t.listen.host} && tcp.port==${t.listen.port})`)
    .join(" || ");

const readJsonl = (f) =>
  fs.existsSync(f)
    ? fs
        .readFileSync(f, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

export function writeFixture({
  name,
  sc,
  scratch,
  configFile,
  logFiles,
  fullPcap,
  truth,
  client,
  withDefault,
  fixturesRoot,
}) {
  const dir = path.join(fixturesRoot, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of logFiles) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  fs.copyFileSync(configFile, path.join(dir, `${ORG}-${ENV}-config.yaml`));
  if (withDefault) fs.writeFileSync(path.join(dir, "default.yaml"), defaultYaml);
  const filter = captureFilter(sc);
  const cut = sc.captureSnapLen ? path.join(scratch, "capture-full.pcap") : path.join(dir, "capture.pcap");
  execFileSync("tshark", ["-r", fullPcap, "-Y", filter, "-F", "pcap", "-w", cut], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  // Large bodies (large-post): the fixture keeps each packet's first captureSnapLen bytes, as `tcpdump -s N` would.
  if (sc.captureSnapLen)
    execFileSync("editcap", ["-F", "pcap", "-s", String(sc.captureSnapLen), cut, path.join(dir, "capture.pcap")], {
      stdio: ["ignore", "ignore", "ignore"],
    });
  // A capture host whose clock is off the gateway's (random worlds from seed 59): every time stamp shifted.
  if (sc.captureShiftS) {
    const shifted = path.join(scratch, "capture-shifted.pcap");
    execFileSync("editcap", ["-F", "pcap", "-t", String(sc.captureShiftS), path.join(dir, "capture.pcap"), shifted]);
    fs.renameSync(shifted, path.join(dir, "capture.pcap"));
    truth.clockSkew = {
      captureMinusLogS: sc.captureShiftS,
      command: `editcap -F pcap -t ${sc.captureShiftS} capture.pcap (after the cut below)`,
    };
    for (const c of truth.connections) c.synTimeUs += Math.round(sc.captureShiftS * 1e6);
  }
  const map = path.join(scratch, "relay-map.jsonl");
  if (fs.existsSync(map) && fs.statSync(map).size < 64 * 1024) fs.copyFileSync(map, path.join(dir, "relay-map.jsonl"));
  const events = readJsonl(path.join(scratch, "backend-events.jsonl"));
  truth.captureFilter = filter;
  truth.client = summarizeClient(client);
  truth.backendCrossCheck = crossCheck(events, sc);
  fs.writeFileSync(path.join(dir, "truth.json"), JSON.stringify(truth, null, 2) + "\n");
  const hasMap = fs.existsSync(path.join(dir, "relay-map.jsonl"));
  const tcpdumpFile = path.join(scratch, "tcpdump.txt");
  const tcpdump = fs.existsSync(tcpdumpFile)
    ? fs.readFileSync(tcpdumpFile, "utf8").trim()
    : `tcpdump -i any -s 0 -U -n -w full.pcap 'tcp and net 127.0.0.0/8 and not port ${sc.gateway.port}'`;
  fs.writeFileSync(
    path.join(dir, "README.md"),
    readme({ name, sc, truth, filter, logFiles, withDefault, hasMap, tcpdump }),
  );
  return dir;
}

function summarizeClient(client) {
  const byStatus = {};
  for (const r of client) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return { requests: client.length, byStatus };
}

// What the backends themselves say they did (never used by the truth; a cross-check only).
function crossCheck(events, sc) {
  const out = {};
  for (const t of sc.targets) {
    if (!t.backend || t.backend.nginx) continue; // nginx keeps no events file: nothing to cross-check
    const b = `${t.backend.host}:${t.backend.port}`;
    const ev = events.filter((e) => e.backend === b);
    // An idle-timer close while the backend still owed a response (a slow path longer than its idle timeout: the
    // timer restarts only on bytes) closes after the request was read, like a hang-up: requests on that peer port
    // since its previous close > responses served, or part of one read (a body its client stalled).
    const since = new Map();
    let idleDuringRequest = 0;
    for (const e of ev) {
      if (e.ev === "request") since.set(e.peerPort, (since.get(e.peerPort) ?? 0) + 1);
      else if (e.ev === "close" || e.ev === "error") {
        if (e.ev === "close" && e.reason === "idle" && ((since.get(e.peerPort) ?? 0) > e.served || e.partial))
          idleDuringRequest++;
        since.delete(e.peerPort);
      }
    }
    const count = (key, pred) => {
      const n = ev.filter(pred).length;
      return n ? { [key]: n } : {};
    };
    out[`${t.listen.host}:${t.listen.port}`] = {
      requestsSeen: ev.filter((e) => e.ev === "request").length,
      // closes after a response without saying so (closeAfter) leave nothing pending: on the wire they are idle closes
      idleCloses:
        ev.filter((e) => e.ev === "close" && ["idle", "after-response"].includes(e.reason)).length - idleDuringRequest,
      hangups: ev.filter((e) => e.ev === "close" && e.reason === "hangup").length,
      ...(idleDuringRequest ? { idleDuringRequest } : {}),
      // responses it cut short on purpose (truncate), handshakes its TLS server saw fail (tlsClientError)
      ...(t.backend.truncate ? { truncated: ev.filter((e) => e.ev === "truncate").length } : {}),
      // plain HTTP handed to its TLS server (the proxy's url says http://) is rejected on the request: a hang-up on the
      // wire; a TLS hello handed to its plain server gets 400: the handshake fails on the wire
      ...(t.backend.tls
        ? { tlsErrors: ev.filter((e) => e.ev === "tls-error" && e.code !== "ERR_SSL_HTTP_REQUEST").length }
        : {}),
      ...count("plainToTls", (e) => e.ev === "tls-error" && e.code === "ERR_SSL_HTTP_REQUEST"),
      ...count("badRequests", (e) => e.ev === "bad-request"),
      // closes it announced (Connection: close): the gateway, told so, may close first on the wire
      ...(t.backend.connectionClose
        ? { announcedCloses: ev.filter((e) => e.ev === "close" && e.reason === "connection-close").length }
        : {}),
      // responses it sent with a status line that is not valid HTTP (malformed)
      ...(t.backend.malformed ? { malformed: ev.filter((e) => e.ev === "malformed").length } : {}),
      // responses it sent with a head over Node's 16 KiB limit (header-overflow)
      ...(t.backend.bigHead ? { bigHeads: ev.filter((e) => e.ev === "big-head").length } : {}),
      // responses it sent with a head Node's parser refuses for its form (invalid-headers)
      ...(t.backend.badHeader ? { badHeaders: ev.filter((e) => e.ev === "bad-header").length } : {}),
    };
  }
  return out;
}

function readme({ name, sc, truth, filter, logFiles, withDefault, hasMap, tcpdump }) {
  const g = sc.gateway;
  const t = truth.targets;
  const rows = t.map(
    (x) =>
      `| ${x.target} | ${x.proxy} | ${x.backend ?? "(nothing listens)"} | ${x.latencyMs ? `${x.latencyMs.upMs}/${x.latencyMs.downMs}` : "-"} | ${x.idleTimeoutMs ?? "-"} ${x.idleClose ?? ""} | ${x.keepAliveHintS ?? "none"} | ${x.hangupShare ? `${x.hangupShare * 100}% of ${x.hangupPathPrefix} (${x.hangupClose})` : "-"} | ${x.slowPath ? `${x.slowPath.prefix} after ${x.slowPath.delayMs} ms` : "-"} |`,
  );
  const counts = t.map(
    (x) =>
      `| ${x.target} | ${x.counts.total} | ${x.counts["keepalive-race"]} | ${x.counts["premature-close"]} | ${x.counts.refused} | ${x.counts["syn-unanswered"] ?? 0} | ${x.counts["gateway-close"]} | ${x.counts.normal} | ${x.counts.unknown} | ${x.idleCloses.byTarget.count} (${x.idleCloses.byTarget.minMs ?? "-"}–${x.idleCloses.byTarget.maxMs ?? "-"} ms) | ${x.idleCloses.byGateway.count} | ${x.logTargetRequestErrors} | ${x.expectedCause} |`,
  );
  return `# Lab fixture: ${name}

${sc.description}

Recorded by \`node scripts/lab/record.mjs ${name}\` with the real \`microgateway-core@3.3.7\` (Node ${truth.gateway.node})
as the gateway, started as a library with \`${ORG}-${ENV}-config.yaml\`. Real traffic on loopback only; nothing synthesized.

## The world

- Gateway: port ${g.port}, \`keep_alive_timeout: ${g.keepAliveTimeout}\`, ${g.requestTimeout != null ? `\`request_timeout: ${g.requestTimeout}\`` : "no request_timeout"}, \`logging.level: ${g.level}\`, stats every ${g.statsLogInterval} s, \`plugins.sequence: []\`.
- Each target is seen by the gateway at a userspace TCP relay (the proxy \`url\`) that adds one-way latency and forwards data, FIN and RST to the backend; like a load balancer, it ACKs on the target's behalf.
- Client: ${sc.lanes.length} lane(s) for ${sc.durationS} s, bursts of concurrent requests separated by gaps (${sc.lanes.map((l) => l.gaps.map((x) => (x.near != null ? `${Math.round(x.p * 100)}% at ${x.near} ms ${x.from}…+${x.to} ms` : `${Math.round(x.p * 100)}% ${Math.round(x.min)}–${Math.round(x.max)} ms`)).join(", ")).join(" / ")}). The client saw ${truth.client.requests} responses: ${Object.entries(
    truth.client.byStatus,
  )
    .map(([k, v]) => `${v}× ${k}`)
    .join(", ")}.

| target (as the gateway sees it) | proxy | backend | latency up/down ms | idle timeout ms | Keep-Alive hint (s) | hang-ups | slow path |
|---|---|---|---|---|---|---|---|
${rows.join("\n")}

## Files

- ${logFiles.map((f) => `\`${path.basename(f)}\``).join(", ")}: the gateway's log, exactly as it wrote it.
- \`${ORG}-${ENV}-config.yaml\`: the configuration it ran with${withDefault ? "; `default.yaml`: the edgemicro template beside it, as in real bundles" : ""}.
- \`capture.pcap\`: only the gateway↔target leg, as \`tcpdump -i any -s ${sc.captureSnapLen ?? 0} host TARGET\` on the gateway host would record it (Linux cooked link type). Cut out of the full two-leg recording with
  \`tshark -r full.pcap -Y "${filter}" -F pcap -w capture.pcap\`${sc.captureSnapLen ? `, then \`editcap -F pcap -s ${sc.captureSnapLen}\`: each packet's first ${sc.captureSnapLen} bytes (the request bodies are large; the truth is computed from the full capture)` : ""}.
- \`truth.json\`: the ground truth below, machine-readable.${hasMap ? " `relay-map.jsonl`: the relay's pairs (gateway port ↔ relay upstream port)." : ""}

## How the truth was computed

From the full capture of both legs (\`${tcpdump}\`, not committed) with one tshark command:

\`\`\`
tshark ${TSHARK_ARGS("full.pcap")
    .map((a) => (/[ ()=|&]/.test(a) ? `'${a}'` : a))
    .join(" ")}
\`\`\`

and the relay's port map, by these rules per gateway-leg TCP connection (tcp.stream):
- \`refused\`: the gateway's SYN got a RST and no SYN-ACK.
- \`syn-unanswered\`: the gateway's SYN got nothing back at all (dropped on the way).
- A request is *pending* when the gateway's last request segment (highest tcp.seq with tcp.len > 0) got no response byte before the first FIN/RST of either side.
- \`gateway-close\`: pending, and the gateway's FIN/RST came first. Also (\`midResponse\`): nothing pending, but the gateway closed first after response bytes to the last request, and tshark's HTTP dissector completed fewer responses than the connection carried requests (its timeout fired in the middle of a slow answer).
- \`keepalive-race\`: pending, the target closed first, and on the target leg (the relay's upstream connection) the backend's FIN/RST precedes the segment carrying the pending request's first byte (the first request segment after the last response byte; same relative sequence number on both legs), or that segment never appears: the target could not have seen the request. Also a race: the backend's FIN/RST follows the request's arrival by less than the backend's quickest possible reaction (its configured minimum response time / hang-up delay, \`reactionFloorMs\` in truth.json): its idle timer fired with the request unread in its receive buffer (\`unreadRequest: true\`, the close is a RST).
- \`premature-close\`: pending, the target closed first, and the request reached the backend on the target leg at least that reaction floor before its FIN/RST (no response byte in between).
- \`tls-handshake-failed\` (https targets): the gateway's ClientHello got the target's ServerHello, and the gateway closed without ever sending its handshake Finished or any application data (tshark decrypts the TLS 1.3 handshake with the gateway's own session keys, Node's \`--tls-keylog\`; they are not in the fixture).
- \`target-reset-mid-response\`: nothing pending, but the target closed first after response bytes to the last request, and tshark's HTTP dissector (\`-d tcp.port==PORT,http\`, body reassembly on) completed fewer responses than the connection carried requests: the last response stopped short of its Content-Length (FIN or RST).
- \`normal\`: everything else (answered; idle closes; still open at the end).

Idle closes: a target-first FIN/RST with nothing pending; idle = FIN/RST time − target's last payload segment, both on the gateway leg.
Log counts: \`grep -cF '][502]['\` and \`grep -cF '][504]['\` on the log file(s), less the target's own lines (\`][targetResponse…][METHOD][502][\`): the client-facing status of the gateway's error line or sourceResponse; per target \`grep -F '[error][HOST:PORT]' LOG | grep -cF '[targetRequest error]'\`.
Target cause: the failure kind behind most of its failures: closes crossing a request (races and premature closes → \`both\`, races only → \`keepalive-mismatch\`, premature only → \`premature-close\`; a close mid-response counts as premature), gateway-first closes → \`gateway-timeout\`, refused or syn-unanswered, or a host name whose lookups got NXDOMAIN or nothing → \`target-unreachable\`, failed TLS handshakes → \`tls-error\`, the target's own HTTP 502 / 504 responses on the gateway leg (\`tshark -d tcp.port==PORT,http -Y 'http.response.code == 502 || http.response.code == 504'\`; on an https target decrypted with the gateway's session keys, \`-o tls.keylog_file:tls-keys.log -d tcp.port==PORT,tls\`; \`targetErrorResponses\`) → \`target-error\`; ties listed in \`tiedCauses\`; no failure → \`healthy\`.
Incident cause: the distinct non-healthy target causes; one → it; only races/premature → \`both\`; otherwise the cause whose targets have the most failures.

## Counts

| target | connections | keepalive-race | premature-close | refused | syn-unanswered | gateway-close | normal | unknown | idle closes by target | idle closes by gateway | targetRequest errors in log | expected cause |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${counts.join("\n")}

${
  t.some((x) => x.counts["tls-handshake-failed"] || x.counts["target-reset-mid-response"] || x.dns)
    ? `${t
        .map((x) =>
          [
            x.counts["tls-handshake-failed"]
              ? `${x.target}: ${x.counts["tls-handshake-failed"]} × tls-handshake-failed`
              : "",
            x.counts["target-reset-mid-response"]
              ? `${x.target}: ${x.counts["target-reset-mid-response"]} × target-reset-mid-response (${truth.connections.filter((c) => c.target === x.target && c.class === "target-reset-mid-response" && c.closeFlag === "RST").length} by RST)`
              : "",
            x.dns
              ? `${x.target}: no TCP connection; lookups: ${x.dns.why}; ${x.dns.clientFailures} failed client request(s) on ${x.basePath} (\`lookupFailures\`)`
              : "",
          ]
            .filter(Boolean)
            .join("; "),
        )
        .filter(Boolean)
        .join("; ")}.

`
    : ""
}Log: ${truth.log.status502} × 502, ${truth.log.status504} × 504${truth.log.statusFromTargets ? ` — ${truth.log.statusFromTargets} answered by the target itself (its HTTP response on the gateway leg; the gateway passed it on)` : ""}${truth.log.status502WithoutWireFailure > 0 ? ` — ${truth.log.status502WithoutWireFailure} of the 502s ha${truth.log.status502WithoutWireFailure === 1 ? "s" : "ve"} no failing connection on the wire: the gateway gave the request to a pooled socket whose FIN (or RST) had arrived but was not yet processed, and no request byte was sent (the capture shows a target idle close and, after a FIN, the gateway's FIN a few ms later)` : ""}. Incident expected cause: **${truth.expectedCause}**${truth.expectedCauses.length > 1 ? ` (target causes: ${truth.expectedCauses.join(", ")})` : ""}.

Cross-check (not used by the truth) — what the backends logged about themselves: ${Object.entries(
    truth.backendCrossCheck,
  )
    .map(
      ([k, v]) =>
        `${k}: ${v.requestsSeen} requests, ${v.idleCloses} idle closes, ${v.hangups} hang-ups${v.truncated !== undefined ? `, ${v.truncated} responses cut short` : ""}${v.tlsErrors !== undefined ? `, ${v.tlsErrors} failed TLS handshakes` : ""}`,
    )
    .join("; ")}.
`;
}

export function writeDerived({ name, d, fixturesRoot }) {
  const src = path.join(fixturesRoot, d.from);
  const dir = path.join(fixturesRoot, name);
  if (!fs.existsSync(path.join(src, "truth.json"))) throw new Error(`record ${d.from} first`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    if (f === "README.md" || f === "truth.json" || f === "capture.pcap") continue;
    fs.copyFileSync(path.join(src, f), path.join(dir, f));
  }
  execFileSync("editcap", [
    "-F",
    "pcap",
    "-t",
    String(d.shiftS),
    path.join(src, "capture.pcap"),
    path.join(dir, "capture.pcap"),
  ]);
  const truth = JSON.parse(fs.readFileSync(path.join(src, "truth.json"), "utf8"));
  const shiftUs = Math.round(d.shiftS * 1e6);
  truth.scenario = name;
  truth.description = d.description;
  truth.derivedFrom = d.from;
  truth.clockSkew = {
    captureMinusLogS: d.shiftS,
    command: `editcap -F pcap -t ${d.shiftS} ${d.from}/capture.pcap capture.pcap`,
  };
  for (const c of truth.connections) c.synTimeUs += shiftUs;
  fs.writeFileSync(path.join(dir, "truth.json"), JSON.stringify(truth, null, 2) + "\n");
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# Lab fixture: ${name}

${d.description}

Everything here is a copy of \`../${d.from}/\` (same log, config and truth) except \`capture.pcap\`, made with
\`editcap -F pcap -t ${d.shiftS} ../${d.from}/capture.pcap capture.pcap\`: every packet time stamp is ${d.shiftS} s later,
as if the capture host's clock ran ${d.shiftS} s ahead of the gateway's. The log is unchanged.

\`truth.json\` is \`../${d.from}/truth.json\` with \`scenario\`, \`clockSkew\` added and every connection's \`synTimeUs\` shifted by
${d.shiftS} s so it matches this capture. Classes and counts are the same as \`${d.from}\`: ${JSON.stringify(truth.counts)};
log ${truth.log.status502} × 502. Expected cause: **${truth.expectedCause}**.
`,
  );
}
