// Ground truth for a recording, from tshark only (plus the relay's port map and the scenario's
// configured world). It never uses the project's own parser.
//
// The one tshark command (TSHARK_ARGS below) dumps every TCP segment of the full two-leg capture
// as tab-separated fields; the rules below then work on those rows:
//   gateway leg = segments to/from a target's listen address (the relay, as the gateway sees it)
//   target leg  = segments to/from that target's backend address
// Per gateway-leg connection (tcp.stream):
//   refused          the gateway's SYN got a RST and no SYN-ACK
//   syn-unanswered   the gateway's SYN got nothing back at all (dropped on the way: a blackhole)
//   pending request  the gateway's last request segment (highest tcp.seq with tcp.len > 0) got no
//                    response byte before the first FIN/RST of either side
//   gateway-close    pending, and the gateway's FIN/RST came before any FIN/RST of the target
//   keepalive-race   pending, the target closed first, and on the target leg (the relay's upstream
//                    connection, found through the relay map) the backend's FIN/RST is earlier than
//                    the segment carrying the pending request's first byte (the first request
//                    segment after the last response byte; same relative seq on both legs), or
//                    that segment never appears
//                    — or the backend's FIN/RST follows that segment by less than the backend's
//                    quickest possible reaction to a request (its configured minimum response time
//                    and hang-up delay): its idle timer fired with the request still unread in its
//                    receive buffer (the close is then a RST); it did not react to the request
//   premature-close  pending, the target closed first, and the request's first byte reached the
//                    backend on the target leg at least that reaction floor before its FIN/RST
//   normal           otherwise (answered; idle closes by either side; open at the end)
// Idle closes: a target-first FIN/RST with nothing pending; idle = that FIN/RST time minus the
// target's last payload segment, both on the gateway leg.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { HANGUP_DELAY_MS } from "./backend.mjs";

export const TSHARK_FIELDS = [
  "frame.time_epoch",
  "ip.src",
  "tcp.srcport",
  "ip.dst",
  "tcp.dstport",
  "tcp.stream",
  "tcp.flags.syn",
  "tcp.flags.ack",
  "tcp.flags.fin",
  "tcp.flags.reset",
  "tcp.len",
  "tcp.seq",
];
export const TSHARK_ARGS = (pcap) => [
  "-r",
  pcap,
  "-Y",
  "tcp",
  "-T",
  "fields",
  "-E",
  "separator=/t",
  "-o",
  "tcp.relative_sequence_numbers:TRUE",
  ...TSHARK_FIELDS.flatMap((f) => ["-e", f]),
];

const flag = (v) => v === "1" || v === "True" || v === "true";
// epoch "1732390435.775123000" -> integer µs, without float rounding
const epochUs = (s) => {
  const [sec, frac = ""] = s.split(".");
  return Number(sec) * 1e6 + Number((frac + "000000").slice(0, 6));
};

export function tsharkSegments(pcap) {
  const out = execFileSync("tshark", TSHARK_ARGS(pcap), {
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const f = line.split("\t");
      return {
        t: epochUs(f[0]),
        src: `${f[1]}:${f[2]}`,
        dst: `${f[3]}:${f[4]}`,
        stream: Number(f[5]),
        syn: flag(f[6]),
        ack: flag(f[7]),
        fin: flag(f[8]),
        rst: flag(f[9]),
        len: Number(f[10]),
        seq: Number(f[11]),
      };
    });
}

const byStream = (segs) => {
  const m = new Map();
  for (const s of segs) {
    if (!m.has(s.stream)) m.set(s.stream, []);
    m.get(s.stream).push(s);
  }
  return m;
};
const payloads = (pk) => {
  const seen = new Set();
  return pk.filter((p) => p.len > 0 && !seen.has(p.seq) && seen.add(p.seq)); // first copy of each segment
};
const ms = (us) => Math.round(us / 100) / 10;
const pushTo = (m, k, v) => (m.has(k) ? m.get(k).push(v) : m.set(k, [v]), m);
const groupBy = (xs, key) => xs.reduce((m, x) => pushTo(m, key(x), x), new Map());
const nearest = (xs, tUs, timeOf) =>
  xs?.reduce((a, b) => (Math.abs(timeOf(b) - tUs) < Math.abs(timeOf(a) - tUs) ? b : a));

function classify(pk, tgt, mapByGwPort, targetLegByRelayPort, backendAddr, reactionFloorUs) {
  const g2t = pk.filter((p) => p.dst === tgt);
  const t2g = pk.filter((p) => p.src === tgt);
  const gwEnd = pk[0].src === tgt ? pk[0].dst : pk[0].src;
  const gwPort = Number(gwEnd.split(":")[1]);
  const syn = g2t.find((p) => p.syn && !p.ack);
  const synack = t2g.find((p) => p.syn && p.ack);
  const base = { gatewayPort: gwPort, target: tgt, synTimeUs: (syn ?? pk[0]).t };
  if (!synack && syn && t2g.some((p) => p.rst)) {
    return { ...base, class: "refused", why: "SYN answered by RST, no handshake" };
  }
  if (syn && t2g.length === 0) {
    const n = g2t.filter((p) => p.syn && !p.ack).length;
    return { ...base, class: "syn-unanswered", why: `${n} SYN(s), nothing came back` };
  }
  const reqs = payloads(g2t);
  const resps = payloads(t2g);
  const tClose = t2g.find((p) => p.fin || p.rst);
  const gClose = g2t.find((p) => p.fin || p.rst);
  const lastReq = reqs.reduce((a, b) => (a && a.seq > b.seq ? a : b), null);
  const firstCloseAfterReq =
    lastReq &&
    [tClose, gClose]
      .filter(Boolean)
      .map((c) => c.t)
      .sort((a, b) => a - b)[0];
  const answered =
    lastReq && resps.some((r) => r.t > lastReq.t && (firstCloseAfterReq == null || r.t <= firstCloseAfterReq));
  const pending = lastReq && !answered && (tClose || gClose);
  const info = { requests: reqs.length, responses: resps.length };
  if (!pending) {
    const out = { ...base, class: "normal", ...info };
    if (tClose && (!gClose || tClose.t <= gClose.t)) {
      const lastT = resps.filter((r) => r.t <= tClose.t).at(-1);
      out.closedBy = "target";
      out.closeFlag = tClose.rst ? "RST" : "FIN";
      if (lastT) out.idleBeforeCloseMs = ms(tClose.t - lastT.t);
      out.why = `target ${out.closeFlag} after ${out.idleBeforeCloseMs ?? "?"} ms idle, nothing pending`;
    } else if (gClose) {
      const lastT = resps.filter((r) => r.t <= gClose.t).at(-1);
      out.closedBy = "gateway";
      if (lastT) out.idleBeforeCloseMs = ms(gClose.t - lastT.t);
      out.why = `gateway ${gClose.rst ? "RST" : "FIN"} after ${out.idleBeforeCloseMs ?? "?"} ms idle, nothing pending`;
    } else {
      out.why = "open at the end of the capture";
    }
    return out;
  }
  if (gClose && (!tClose || gClose.t < tClose.t)) {
    return {
      ...base,
      class: "gateway-close",
      ...info,
      why: `gateway ${gClose.rst ? "RST" : "FIN"} ${ms(gClose.t - lastReq.t)} ms after its request, no response byte, target had not closed`,
    };
  }
  const lastT = resps.filter((r) => r.t <= tClose.t).at(-1);
  const sinceLastByte = lastT ? ms(tClose.t - lastT.t) : null;
  // Ports are reused over a recording: the pair is the one the relay accepted nearest this connection's SYN.
  const m = nearest(mapByGwPort.get(gwPort), base.synTimeUs, (x) => x.t * 1000);
  const up = m && nearest(targetLegByRelayPort.get(m.relayPort), m.t * 1000, (pk) => pk[0].t);
  if (!up) {
    return {
      ...base,
      class: "unknown",
      ...info,
      why: "target closed with a request pending but the relay map has no upstream leg",
    };
  }
  const r2b = payloads(up.filter((p) => p.dst === backendAddr));
  const bClose = up.find((p) => p.src === backendAddr && (p.fin || p.rst));
  // the pending request starts with the first request segment after the last answered byte
  const lastAnswer = resps.filter((r) => r.t < lastReq.t).at(-1);
  const reqStart = reqs
    .filter((r) => !lastAnswer || r.t > lastAnswer.t)
    .reduce((a, b) => (a.seq < b.seq ? a : b), lastReq);
  const reqArr = r2b.find((p) => p.seq <= reqStart.seq && reqStart.seq < p.seq + p.len);
  const flagT = tClose.rst ? "RST" : "FIN";
  const bFlag = bClose ? (bClose.rst ? "RST" : "FIN") : "?";
  // how long the connection sat idle (gateway leg) before the pending request: last response byte → request
  const gapBeforeRequestMs = lastAnswer ? ms(reqStart.t - lastAnswer.t) : null;
  const common = {
    ...info,
    relayPort: m.relayPort,
    closeFlag: flagT,
    targetIdleBeforeCloseMs: sinceLastByte,
    gapBeforeRequestMs,
  };
  if (!reqArr || (bClose && bClose.t < reqArr.t)) {
    return {
      ...base,
      class: "keepalive-race",
      ...common,
      why: reqArr
        ? `backend ${bFlag} left ${ms(reqArr.t - bClose.t)} ms before the request reached it (target leg); ${sinceLastByte} ms after target's last byte (gateway leg)`
        : `backend ${bFlag} before the request; the request never reached the backend (target leg); ${sinceLastByte} ms after target's last byte`,
    };
  }
  if (bClose && bClose.t >= reqArr.t && bClose.t - reqArr.t < reactionFloorUs) {
    return {
      ...base,
      class: "keepalive-race",
      ...common,
      unreadRequest: true,
      why: `backend ${bFlag} ${ms(bClose.t - reqArr.t)} ms after the request reached it (target leg), quicker than it can react (${reactionFloorUs / 1000} ms): idle close with the request unread; ${sinceLastByte} ms after target's last byte`,
    };
  }
  if (!bClose)
    return {
      ...base,
      class: "unknown",
      ...common,
      why: "request reached backend but no backend close on the target leg",
    };
  const bResp = payloads(up.filter((p) => p.src === backendAddr)).some((p) => p.t > reqArr.t && p.t < bClose.t);
  return {
    ...base,
    class: bResp ? "unknown" : "premature-close",
    ...common,
    why: `request reached backend (target leg), backend ${bFlag} ${ms(bClose.t - reqArr.t)} ms later with no response byte${bResp ? " (but response bytes seen: unknown)" : ""}`,
  };
}

export const CLASSES = [
  "refused",
  "syn-unanswered",
  "keepalive-race",
  "premature-close",
  "gateway-close",
  "normal",
  "unknown",
];

// The target's own HTTP 502 / 504 responses on the gateway leg, by target address:
// tshark -r full.pcap -d tcp.port==PORT,http -Y 'http.response.code == 502 || http.response.code == 504' -T fields -e ip.src -e tcp.srcport
function ownErrorResponses(pcap, ports) {
  const decode = [...new Set(ports)].flatMap((p) => ["-d", `tcp.port==${p},http`]);
  const out = execFileSync(
    "tshark",
    [
      "-r",
      pcap,
      ...decode,
      "-Y",
      "http.response.code == 502 || http.response.code == 504",
      "-T",
      "fields",
      "-e",
      "ip.src",
      "-e",
      "tcp.srcport",
    ],
    { maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] },
  ).toString();
  const by = new Map();
  for (const line of out.split("\n").filter(Boolean)) {
    const key = line.split("\t").join(":");
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  return by;
}

// A target's failure kinds and how many failures each accounts for: closes crossing a request (races and
// hang-ups), requests the gateway gave up on, connections never made, the target's own 502 / 504 answers.
function failureKinds(counts, ownErrors) {
  const race = counts["keepalive-race"];
  const prem = counts["premature-close"];
  return [
    [race && prem ? "both" : race ? "keepalive-mismatch" : "premature-close", race + prem],
    ["gateway-timeout", counts["gateway-close"]],
    ["target-unreachable", counts.refused + (counts["syn-unanswered"] ?? 0)],
    ["target-error", ownErrors],
  ].filter(([, n]) => n > 0);
}

// The cause behind most of a target's failures (a target failing in several ways has one main cause, and the
// others beside it); `tiedCauses` when kinds tie, in this order, the first being the cause.
export function targetCauses(counts, ownErrors) {
  const kinds = failureKinds(counts, ownErrors);
  if (!kinds.length) return { cause: counts.total === 0 ? "insufficient-data" : "healthy" };
  const top = Math.max(...kinds.map(([, n]) => n));
  const tied = kinds.filter(([, n]) => n === top).map(([c]) => c);
  return { cause: tied[0], ...(tied.length > 1 ? { tiedCauses: tied } : {}) };
}

const CLOSE_CAUSES = ["keepalive-mismatch", "premature-close", "both"];

// The incident's: its targets' distinct causes; only close kinds → both; else the cause behind most failures.
export function incidentCause(targets) {
  const bad = targets.filter((t) => t.expectedCause !== "healthy");
  const causes = [...new Set(bad.map((t) => t.expectedCause))];
  if (causes.length === 0) return { cause: "healthy", causes };
  if (causes.length === 1) return { cause: causes[0], causes };
  if (causes.every((c) => CLOSE_CAUSES.includes(c))) return { cause: "both", causes };
  const weight = (c) => bad.filter((t) => t.expectedCause === c).reduce((n, t) => n + (t.failures ?? 0), 0);
  return { cause: [...causes].sort((a, b) => weight(b) - weight(a))[0], causes };
}

// Distinct correlation ids (the 9th bracketed field) of the lines with this status that are not a targetResponse.
function clientFailures(files, status) {
  const ids = new Set();
  for (const f of files)
    for (const line of fs.readFileSync(f, "utf8").split("\n")) {
      const fields = line.split("][");
      if (fields.length >= 16 && fields[12] === status && !fields[10].startsWith("targetResponse")) ids.add(fields[8]);
    }
  return ids.size;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

// A 502 normally has a failing connection on the wire. Not always: when the gateway hands a request
// to a pooled socket whose FIN has arrived but not yet been processed, Node gives up before any
// request byte is sent ("socket hang up"), and on the wire the connection is a plain target idle
// close. The difference is recorded, not hidden.
function logCounts(logFiles, c, fromTargets) {
  // Client-facing lines only: the gateway's error line or its sourceResponse; a target's own 502 also shows on
  // its targetResponse lines (grep -F '][502][' LOG | grep -vcF '][targetResponse').
  // At level trace the gateway writes its error line twice ([error] and [trace], one correlation id): one failure.
  const status502 = clientFailures(logFiles, "502");
  const status504 = clientFailures(logFiles, "504");
  // Unanswered SYNs end in a 504 when request_timeout fires first, else in a 502 (connect ETIMEDOUT).
  const syn504 = Math.min(c["syn-unanswered"], Math.max(0, status504 - c["gateway-close"]));
  const syn502 = c["syn-unanswered"] - syn504;
  return {
    files: logFiles.map((f) => f.split("/").at(-1)),
    status502,
    status504,
    // the targets' own 502 / 504 answers, passed on (tshark: http.response.code on the gateway leg)
    statusFromTargets: fromTargets,
    status502WithoutWireFailure:
      status502 - (c["keepalive-race"] + c["premature-close"] + c.refused + syn502) - fromTargets,
    status504WithoutWireFailure: status504 - c["gateway-close"] - syn504,
  };
}

// Segments tshark sees as missing (tcp.analysis.lost_segment / ack_lost_segment): must be 0, or the
// truth could misread a connection.
export const LOST_FILTER = "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment";
export function lostSegments(pcap) {
  const out = execFileSync("tshark", ["-r", pcap, "-Y", LOST_FILTER, "-T", "fields", "-e", "frame.number"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out.toString().split("\n").filter(Boolean).length;
}

export function computeTruth({ name, sc, fullPcap, mapFile, logFiles }) {
  const lost = lostSegments(fullPcap);
  if (lost > 0) throw new Error(`${name}: tshark finds ${lost} lost segments in the full capture: record again`);
  const segs = tsharkSegments(fullPcap);
  const streams = byStream(segs);
  const map = fs.existsSync(mapFile)
    ? fs
        .readFileSync(mapFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const targets = [];
  const connections = [];
  const ownErrors = ownErrorResponses(
    fullPcap,
    sc.targets.map((t) => t.listen.port),
  );
  for (const t of sc.targets) {
    const tgt = `${t.listen.host}:${t.listen.port}`;
    const backendAddr = t.backend ? `${t.backend.host}:${t.backend.port}` : null;
    const mapByGwPort = groupBy(
      map.filter((m) => m.listen === tgt),
      (m) => m.gatewayPort,
    );
    const targetLegByRelayPort = new Map();
    if (backendAddr && t.relay) {
      for (const pk of streams.values()) {
        const relayEnd = pk[0].src === backendAddr ? pk[0].dst : pk[0].dst === backendAddr ? pk[0].src : null;
        if (relayEnd) pushTo(targetLegByRelayPort, Number(relayEnd.split(":")[1]), pk);
      }
    }
    // the quickest the backend can act on a request: its minimum response time or hang-up delay
    const reactionFloorUs = t.backend ? Math.min(t.backend.respMs[0], HANGUP_DELAY_MS[0]) * 1000 : 0;
    const conns = [];
    for (const pk of streams.values()) {
      if (pk[0].src !== tgt && pk[0].dst !== tgt) continue;
      conns.push(classify(pk, tgt, mapByGwPort, targetLegByRelayPort, backendAddr, reactionFloorUs));
    }
    conns.sort((a, b) => a.synTimeUs - b.synTimeUs);
    const counts = { total: conns.length };
    for (const c of CLASSES) counts[c] = conns.filter((x) => x.class === c).length;
    const idle = conns
      .filter((c) => c.class === "normal" && c.closedBy === "target" && c.idleBeforeCloseMs != null)
      .map((c) => c.idleBeforeCloseMs);
    const gwIdle = conns
      .filter((c) => c.class === "normal" && c.closedBy === "gateway" && c.idleBeforeCloseMs != null)
      .map((c) => c.idleBeforeCloseMs);
    const raceIdle = conns
      .filter((c) => c.class === "keepalive-race" && c.targetIdleBeforeCloseMs != null)
      .map((c) => c.targetIdleBeforeCloseMs);
    // grep -F '[error][HOST:PORT]' LOG | grep -cF '[targetRequest error]'
    const logLines502 = logFiles.length
      ? Number(
          execFileSync("sh", [
            "-c",
            `cat ${logFiles.map((f) => `'${f}'`).join(" ")} | grep -F '[error][${tgt}]' | grep -cF '[targetRequest error]'; true`,
          ])
            .toString()
            .trim(),
        )
      : 0;
    const rec = {
      target: tgt,
      proxy: t.proxy,
      basePath: t.basePath,
      backend: backendAddr,
      relayed: !!t.relay,
      latencyMs: t.relay ? t.latency : null,
      idleTimeoutMs: t.backend ? t.backend.idleMs : null,
      idleClose: t.backend ? t.backend.idleClose.toUpperCase() : null,
      keepAliveHintS: t.backend?.keepAliveHint ?? null,
      hangupShare: t.backend?.hangup ? t.backend.hangup.share : 0,
      hangupPathPrefix: t.backend?.hangup ? t.basePath + t.backend.hangup.prefix : null,
      hangupClose: t.backend?.hangup ? t.backend.hangup.close.toUpperCase() : null,
      reactionFloorMs: reactionFloorUs / 1000,
      slowPath: t.backend?.slow
        ? { prefix: t.basePath + t.backend.slow.prefix, delayMs: t.backend.slow.delayMs }
        : null,
      counts,
      idleCloses: {
        byTarget: {
          count: idle.length,
          minMs: idle.length ? Math.min(...idle) : null,
          medianMs: median(idle),
          maxMs: idle.length ? Math.max(...idle) : null,
        },
        byGateway: {
          count: gwIdle.length,
          minMs: gwIdle.length ? Math.min(...gwIdle) : null,
          medianMs: median(gwIdle),
          maxMs: gwIdle.length ? Math.max(...gwIdle) : null,
        },
        racingTargetIdleMs: {
          count: raceIdle.length,
          minMs: raceIdle.length ? Math.min(...raceIdle) : null,
          maxMs: raceIdle.length ? Math.max(...raceIdle) : null,
        },
      },
      logTargetRequestErrors: logLines502,
      targetErrorResponses: ownErrors.get(tgt) ?? 0,
    };
    rec.failingConnections =
      counts.refused +
      counts["syn-unanswered"] +
      counts["keepalive-race"] +
      counts["premature-close"] +
      counts["gateway-close"];
    rec.failures = rec.failingConnections + rec.targetErrorResponses;
    const { cause, tiedCauses } = targetCauses(counts, rec.targetErrorResponses);
    rec.expectedCause = cause;
    if (tiedCauses) rec.tiedCauses = tiedCauses;
    targets.push(rec);
    connections.push(...conns);
  }
  connections.sort((a, b) => a.synTimeUs - b.synTimeUs);
  const classCounts = {};
  for (const c of CLASSES) classCounts[c] = connections.filter((x) => x.class === c).length;
  const { cause, causes } = incidentCause(targets.map((t) => ({ ...t })));
  return {
    scenario: name,
    description: sc.description,
    gateway: {
      software: "microgateway-core@3.3.7",
      node: process.version,
      keepAliveTimeoutMs: sc.gateway.keepAliveTimeout,
      requestTimeoutS: sc.gateway.requestTimeout,
      logLevel: sc.gateway.level,
    },
    expectedCause: cause,
    expectedCauses: causes,
    targets,
    counts: classCounts,
    log: logCounts(
      logFiles,
      classCounts,
      targets.reduce((n, t) => n + t.targetErrorResponses, 0),
    ),
    captureCheck: { lostSegments: lost, tsharkFilter: LOST_FILTER },
    connections,
  };
}
