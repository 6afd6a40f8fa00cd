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
//   gateway-close    pending, and the gateway's FIN/RST came before any FIN/RST of the target. Why it closed
//                    (`gatewayCloseCause`): `client-abort` when the lab client had given up on that very request
//                    (client.jsonl, joined by the request's `n=` query parameter, which the gateway passes on) at most
//                    100 ms before the close: the gateway aborted the target request because its client left (it
//                    does so at once: 0–15 ms in every recording). A GET whose client left runs on to the gateway's
//                    request_timeout (random-128: closes 700 ms after the client gave up, each a logged 504);
//                    `gateway-exit` when a gateway worker was being stopped then (gateway-events.jsonl: its sockets
//                    close with its process; scripts/lab/gateway-run.cjs), `request-timeout` otherwise when
//                    request_timeout is set; else `unknown`. A client abort or a worker's exit is
//                    no failure of the target: it is not counted for the target's cause
//                    Also a gateway-close (`midResponse`): nothing pending, but the gateway closed first after response
//                    bytes to the last request, and tshark's HTTP dissector completed fewer responses than requests (its
//                    request_timeout fired in the middle of a slow answer: timeout-streaming)
//   keepalive-race   pending, the target closed first, and on the target leg (the relay's upstream
//                    connection, found through the relay map) the backend's FIN/RST is earlier than
//                    the segment carrying the pending request's first byte (the first request
//                    segment after the last response byte; same relative seq on both legs), or
//                    that segment never appears
//                    — or the backend's FIN/RST follows that segment by less than the backend's
//                    quickest possible reaction to a request (its configured minimum response time
//                    and hang-up delay; never, for nginx): its idle timer fired with the request still unread in its
//                    receive buffer (the close is then a RST); it did not react to the request
//   premature-close  pending, the target closed first, and the request's first byte reached the
//                    backend on the target leg at least that reaction floor before its FIN/RST
//   tls-handshake-failed  (https targets) the gateway's ClientHello got the target's ServerHello, and the gateway
//                    closed (FIN/RST) without ever sending its handshake Finished or any application data: it
//                    rejected the handshake. Read with the gateway's own TLS session keys (Node's --tls-keylog),
//                    which decrypt the TLS 1.3 handshake for tshark; the fixture's capture is as a customer's
//   target-reset-mid-response  nothing pending by the rule above, but the target closed first after response bytes
//                    to the last request and tshark's HTTP dissector (body reassembly on) completed fewer responses
//                    than the connection carried requests: the last response stopped short of its Content-Length
//   normal           otherwise (answered; idle closes by either side; open at the end)
// Idle closes: a target-first FIN/RST with nothing pending; idle = that FIN/RST time minus the
// target's last payload segment, both on the gateway leg.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
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

// The lab client numbers every request (`…?n=N`), and the gateway passes the number on to the target and its log.
const requestNumber = (uri) => (uri && /[?&]n=(\d+)/.exec(uri)?.[1]) || null;

// The client's result for a request URI the gateway sent on.
const clientResultOf = (clientByN, uri) => {
  const n = requestNumber(uri);
  return n ? (clientByN.get(n) ?? null) : null;
};

function classify(
  pk,
  tgt,
  mapByGwPort,
  targetLegByRelayPort,
  backendAddr,
  reactionFloorUs,
  http,
  tlsOf,
  clientByN = new Map(),
  requestTimeoutS = null,
  backendIdleUs = null,
  workerExits = [],
  timedOutN = new Set(),
) {
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
  const tls = tlsOf?.(pk[0].stream);
  // Over TLS, segments that carry only alerts (close_notify) or handshake records (session tickets) are no request
  // and no answer: the gateway's close_notify after the target's FIN would otherwise read as a request left pending.
  const control = new Set(
    (tls ?? []).filter((r) => !r.appData && (r.hs.length || r.alert.length)).map((r) => `${r.fromGateway}:${r.seq}`),
  );
  const reqs = payloads(g2t).filter((p) => !control.has(`true:${p.seq}`));
  const resps = payloads(t2g).filter((p) => !control.has(`false:${p.seq}`));
  // A target's close_notify alert is its close (its FIN follows): the gateway may close on it before the FIN arrives.
  const notify = new Set((tls ?? []).filter((r) => !r.fromGateway && r.alert.includes(0)).map((r) => r.seq));
  const tClose = t2g.find((p) => p.fin || p.rst || (p.len > 0 && notify.has(p.seq)));
  const gClose = g2t.find((p) => p.fin || p.rst);
  if (tls) {
    const hs = tls.filter((r) => r.hs.length).map((r) => `${r.fromGateway ? "gateway" : "target"} ${r.hs.join(",")}`);
    const gwFinished = tls.some((r) => r.fromGateway && r.hs.includes(20));
    const gwAppData = tls.some((r) => r.fromGateway && r.appData);
    const serverHello = tls.some((r) => !r.fromGateway && r.hs.includes(2));
    const gwFirst = gClose && (!tClose || gClose.t <= tClose.t);
    if (tls.some((r) => r.fromGateway && r.hs.includes(1)) && serverHello && !gwFinished && !gwAppData && gwFirst) {
      return {
        ...base,
        class: "tls-handshake-failed",
        requests: 0,
        responses: 0,
        why: `TLS handshake records (decrypted with the gateway's keys): ${hs.join("; ")}${tls.some((r) => r.alert.length) ? `; alert ${tls.flatMap((r) => r.alert).join(",")}` : ""}; then the gateway's ${gClose.rst ? "RST" : "FIN"} ${ms(gClose.t - (resps.at(-1)?.t ?? gClose.t))} ms after the target's last handshake bytes, without its Finished or any request`,
      };
    }
  }
  // Bytes back to the gateway's ClientHello, none of them a TLS record: the target does not speak TLS on that port
  // (a plain HTTP server answers 400 and closes; the gateway logs EPROTO, wrong version number).
  const targetTls = (tls ?? []).some((r) => !r.fromGateway && (r.hs.length || r.alert.length || r.appData));
  if (tls?.some((r) => r.fromGateway && r.hs.includes(1)) && !targetTls && resps.length) {
    return {
      ...base,
      class: "tls-handshake-failed",
      requests: 0,
      responses: 0,
      why: `the target answered the gateway's ClientHello with ${resps.reduce((n, r) => n + r.len, 0)} bytes, no TLS record among them: it does not speak TLS on that port`,
    };
  }
  // The target's alert other than close_notify before any answer: it rejected the handshake after the gateway's
  // Finished (TLS 1.3 checks a client certificate there: alert 116 certificate_required, 42 bad_certificate).
  const rejected = (tls ?? []).filter((r) => !r.fromGateway && r.alert.some((a) => a !== 0));
  if (rejected.length && !(tls ?? []).some((r) => !r.fromGateway && r.appData)) {
    return {
      ...base,
      class: "tls-handshake-failed",
      requests: reqs.length,
      responses: 0,
      why: `the target's TLS alert ${rejected.flatMap((r) => r.alert).join(",")} (decrypted with the gateway's keys) before any answer: it rejected the handshake`,
    };
  }
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
  const h = http?.get(pk[0].stream);
  const targetFirst = tClose && (!gClose || tClose.t <= gClose.t);
  // Nothing pending, yet the last answer had begun and never completed (tshark's HTTP dissector) when `close` came.
  const cutBy = (close) =>
    !pending && h && h.responses < h.requests && lastReq && resps.some((r) => r.t > lastReq.t && r.t <= close.t);
  if (targetFirst && cutBy(tClose)) {
    const bytes = resps.filter((r) => r.t > lastReq.t && r.t <= tClose.t).reduce((n, r) => n + r.len, 0);
    return {
      ...base,
      class: "target-reset-mid-response",
      ...info,
      closeFlag: tClose.rst ? "RST" : "FIN",
      why: `target ${tClose.rst ? "RST" : "FIN"} ${ms(tClose.t - lastReq.t)} ms after the last request, after ${bytes} response bytes; tshark's HTTP dissector completed ${h.responses} response(s) of ${h.requests} request(s): the last one stopped short`,
    };
  }
  // The gateway closed first in the middle of an answer: its request_timeout, an idle timer, fired between two parts
  // of a slow one (timeout-streaming), or its worker stopped. It had passed the status on, so no 502 is logged.
  if (gClose && !targetFirst && cutBy(gClose)) {
    const lastT = resps.filter((r) => r.t <= gClose.t).at(-1);
    const exit = workerExits.find((w) => gClose.t >= w.fromUs && gClose.t <= w.toUs);
    return {
      ...base,
      class: "gateway-close",
      ...info,
      midResponse: true,
      gatewayCloseCause: exit ? "gateway-exit" : requestTimeoutS ? "request-timeout" : "unknown",
      why: `gateway ${gClose.rst ? "RST" : "FIN"} ${ms(gClose.t - lastT.t)} ms after the target's last response byte, in the middle of its answer; tshark's HTTP dissector completed ${h.responses} response(s) of ${h.requests} request(s)${exit ? `; a gateway worker was being stopped (${exit.how})` : ""}`,
    };
  }
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
    // the client's own record of the pending request: when it gave up (its `t`, epoch ms on the same host clock)
    const cr = clientResultOf(clientByN, h?.uris.at(-1));
    const gaveUpUs = cr && cr.error === "client timeout" ? cr.t * 1000 : null;
    // The gateway's own timeout may fire as the client gives up (a client timeout equal to request_timeout,
    // random-429): the log's 504 for that very request says whose the close was.
    const byClient =
      gaveUpUs !== null &&
      gClose.t - gaveUpUs > -50_000 &&
      gClose.t - gaveUpUs < 100_000 &&
      !timedOutN.has(requestNumber(h?.uris.at(-1)));
    const exit = workerExits.find((w) => gClose.t >= w.fromUs && gClose.t <= w.toUs);
    const gatewayCloseCause = byClient
      ? "client-abort"
      : exit
        ? "gateway-exit"
        : requestTimeoutS
          ? "request-timeout"
          : "unknown";
    return {
      ...base,
      class: "gateway-close",
      ...info,
      gatewayCloseCause,
      why: `gateway ${gClose.rst ? "RST" : "FIN"} ${ms(gClose.t - lastReq.t)} ms after its request, no response byte, target had not closed${byClient ? `; the client had given up on ${cr.path} ${ms(gClose.t - gaveUpUs)} ms before (client.jsonl: ${cr.error} after ${cr.ms} ms): the gateway aborted the target request because its client left` : ""}${exit ? `; a gateway worker was being stopped (${exit.how}): its sockets closed with its process` : ""}`,
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
  // A TLS backend's close starts with its close_notify (the gateway's TLS ends the socket on it), not its FIN.
  const bFinOrRst = up.find((p) => p.src === backendAddr && (p.fin || p.rst));
  const closeNotify = (tlsOf?.(up[0].stream) ?? []).find((r) => !r.fromGateway && r.alert.includes(0));
  const notifyAt = closeNotify && up.find((p) => p.src === backendAddr && p.seq === closeNotify.seq && p.len > 0);
  const bClose = notifyAt && bFinOrRst && notifyAt.t < bFinOrRst.t ? { ...bFinOrRst, t: notifyAt.t } : bFinOrRst;
  // the pending request starts with the first request segment after the last answered byte
  const lastAnswer = resps.filter((r) => r.t < lastReq.t).at(-1);
  const reqStart = reqs
    .filter((r) => !lastAnswer || r.t > lastAnswer.t)
    .reduce((a, b) => (a.seq < b.seq ? a : b), lastReq);
  const reqArr = r2b.find((p) => p.seq <= reqStart.seq && reqStart.seq < p.seq + p.len);
  const flagT = tClose.rst ? "RST" : "FIN";
  const bFlag = bClose ? (bClose === bFinOrRst ? "" : "close_notify, then ") + (bClose.rst ? "RST" : "FIN") : "?";
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
  // An idle close needs the target leg quiet for the backend's idle timeout first (less 20 ms of timer slack); a
  // backend that closes sooner on a connection younger or busier than that closed on the request itself (a TLS
  // server handed plain HTTP rejects it in under a millisecond).
  const lastUpByteT = up.filter((p) => p.len > 0 && p.t < reqArr.t).at(-1)?.t ?? up[0].t;
  const idleCouldFire = backendIdleUs === null || reqArr.t - lastUpByteT >= backendIdleUs - 20_000;
  if (bClose && bClose.t >= reqArr.t && bClose.t - reqArr.t < reactionFloorUs && idleCouldFire) {
    return {
      ...base,
      class: "keepalive-race",
      ...common,
      unreadRequest: true,
      why: `backend ${bFlag} ${ms(bClose.t - reqArr.t)} ms after the request reached it (target leg), quicker than it can react (${Number.isFinite(reactionFloorUs) ? `${reactionFloorUs / 1000} ms` : "it never closes a request unanswered"}): idle close with the request unread; ${sinceLastByte} ms after target's last byte`,
    };
  }
  if (!bClose)
    return {
      ...base,
      class: "unknown",
      ...common,
      why: "request reached backend but no backend close on the target leg",
    };
  // on the target leg too, the backend's TLS alerts (its close_notify) and tickets are no answer
  const upControl = new Set(
    (tlsOf?.(up[0].stream) ?? [])
      .filter((r) => !r.fromGateway && !r.appData && (r.hs.length || r.alert.length))
      .map((r) => r.seq),
  );
  const bResp = payloads(up.filter((p) => p.src === backendAddr)).some(
    (p) => p.t > reqArr.t && p.t < bClose.t && !upControl.has(p.seq),
  );
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
  "tls-handshake-failed",
  "target-reset-mid-response",
  "keepalive-race",
  "premature-close",
  "gateway-close",
  "normal",
  "unknown",
];

// tshark -r PCAP -d tcp.port==PORT,http … -Y FILTER -T fields -e FIELD …: the targets' ports decoded as HTTP.
function tsharkHttpFields(pcap, ports, filter, fields, options = []) {
  const decode = [...new Set(ports)].flatMap((p) => ["-d", `tcp.port==${p},http`]);
  const args = ["-r", pcap, ...decode, "-Y", filter, "-T", "fields", ...options, ...fields.flatMap((f) => ["-e", f])];
  return execFileSync("tshark", args, { maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] }).toString();
}

// Responses matching a tshark filter on the gateway leg, counted by target address:
// tshark -r full.pcap -d tcp.port==PORT,http -Y FILTER -T fields -e ip.src -e tcp.srcport [-e FIELD…]
// and on each https target's port, decrypted with the gateway's session keys as addTlsUris does:
// tshark -r full.pcap -o tls.keylog_file:tls-keys.log -d tcp.port==PORT,tls -Y FILTER -T fields -e ip.src -e tcp.srcport
// `more` adds fields (each field's occurrences joined by \x01, `-E aggregator`) and keeps the responses `keep` accepts.
function responsesBy(pcap, targets, keylog, filter, more = { fields: [], keep: () => true }) {
  const by = new Map();
  const fields = ["ip.src", "tcp.srcport", ...more.fields];
  const count = (out) => {
    for (const line of out.split("\n").filter(Boolean)) {
      const values = line.split("\t");
      if (!more.keep(values.slice(2))) continue;
      const key = values.slice(0, 2).join(":");
      by.set(key, (by.get(key) ?? 0) + 1);
    }
  };
  const aggregate = ["-E", "aggregator=\x01"];
  const plain = targets.filter((t) => t.scheme !== "https").map((t) => t.listen.port);
  if (plain.length) count(tsharkHttpFields(pcap, plain, filter, fields, aggregate));
  for (const t of targets.filter((x) => x.scheme === "https")) {
    const args = [
      "-r",
      pcap,
      "-o",
      `tls.keylog_file:${keylog}`,
      "-d",
      `tcp.port==${t.listen.port},tls`,
      "-Y",
      `(${filter}) && ip.src==${t.listen.host}`,
    ];
    count(
      execFileSync("tshark", [...args, "-T", "fields", ...aggregate, ...fields.flatMap((f) => ["-e", f])], {
        maxBuffer: 1 << 26,
        stdio: ["ignore", "pipe", "ignore"],
      }).toString(),
    );
  }
  return by;
}

// The target's own HTTP 502 / 504 responses (blind world random-204: an https target's own 504s, read before only
// where the wire is plain, went uncounted).
const ownErrorResponses = (pcap, targets, keylog) =>
  responsesBy(pcap, targets, keylog, "http.response.code == 502 || http.response.code == 504");

// Node's default --max-http-header-size. Measured on Node 20.20.2 (a raw server answering heads of growing size to
// http.get): the reason phrase plus every header's name and value (without ": ", leading spaces and CRLF) may come
// to 16,383 bytes; one more is HPE_HEADER_OVERFLOW, whatever the number of headers or the phrase's length.
const NODE_MAX_HEADER_BYTES = 16384;
// tshark's fields escape a header line's CR, LF, tab and backslash (`\r\n`).
const unescaped = (l) => l.replace(/\\([rnt\\])/g, (_, c) => ({ r: "\r", n: "\n", t: "\t", "\\": "\\" })[c]);
const headerLines = (lines) => (lines ?? "").split("\x01").filter(Boolean).map(unescaped);
const nodeHeaderBytes = (phrase, lines) =>
  (phrase ?? "").length +
  lines.reduce((n, l) => {
    const colon = l.indexOf(":");
    return n + (colon < 0 ? l.trim().length : colon + l.slice(colon + 1).trim().length);
  }, 0);
// What Node 20's parser refuses in a response's header lines, measured as above (a raw server, http.get): a line
// not ended by CRLF (HPE_CR_EXPECTED), a name that is not a token or has space before its colon, a control character
// in a value (HPE_INVALID_HEADER_TOKEN), Content-Length twice (HPE_UNEXPECTED_CONTENT_LENGTH) or not digits
// (HPE_INVALID_CONTENT_LENGTH), Content-Length beside Transfer-Encoding (HPE_INVALID_TRANSFER_ENCODING).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
function headerFault(lines) {
  let contentLengths = 0;
  let transferEncoding = false;
  for (const l of lines) {
    if (!l.endsWith("\r\n")) return true;
    const colon = l.indexOf(":");
    const name = l.slice(0, Math.max(colon, 0));
    const value = l.slice(colon + 1, -2);
    if (!TOKEN.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return true;
    if (/^content-length$/i.test(name) && (contentLengths++ > 0 || !/^[ \t]*\d+[ \t]*$/.test(value))) return true;
    if (/^transfer-encoding$/i.test(name)) transferEncoding = true;
  }
  return contentLengths > 0 && transferEncoding;
}

// Responses Node's HTTP parser rejects: a status line whose code is not three digits, which tshark reads as
// http.response.code 0 (`HTTP/1.1 abc OK`, HPE_INVALID_STATUS), a head over Node's limit (header-overflow: a 20 kB
// Set-Cookie, HPE_HEADER_OVERFLOW) and header lines it refuses (invalid-headers), which tshark reads as any response.
// Bytes that do not begin like a response at all are not counted here (no scenario sends them).
const invalidResponses = (pcap, targets, keylog) =>
  responsesBy(pcap, targets, keylog, "http.response", {
    fields: ["http.response.code", "http.response.phrase", "http.response.line"],
    keep: ([code, phrase, raw]) => {
      const lines = headerLines(raw);
      return (
        Number(code) < 100 ||
        Number(code) > 999 ||
        nodeHeaderBytes(phrase, lines) >= NODE_MAX_HEADER_BYTES ||
        headerFault(lines)
      );
    },
  });

// A target's failure kinds and how many failures each accounts for: closes crossing a request (races and
// hang-ups), requests the gateway gave up on, connections never made, the target's own 502 / 504 answers.
// A close in the middle of a response is the target hanging up after it had the request: a premature close.
// Lookups that failed (dns-*) never reach the wire as TCP: they count for an unreachable target.
function failureKinds(counts, ownErrors, lookupFailures = 0) {
  const race = counts["keepalive-race"];
  const prem = counts["premature-close"] + (counts["target-reset-mid-response"] ?? 0);
  return [
    [race && prem ? "both" : race ? "keepalive-mismatch" : "premature-close", race + prem],
    ["gateway-timeout", counts["gateway-close"]],
    ["target-unreachable", counts.refused + (counts["syn-unanswered"] ?? 0) + lookupFailures],
    // the target's own 502 / 504 answers and its answers that are not valid HTTP (each a 502 from the gateway)
    ["target-error", ownErrors],
    ["tls-error", counts["tls-handshake-failed"] ?? 0],
  ].filter(([, n]) => n > 0);
}

// The cause behind most of a target's failures (a target failing in several ways has one main cause, and the
// others beside it); `tiedCauses` when kinds tie, in this order, the first being the cause.
export function targetCauses(counts, ownErrors, lookupFailures = 0) {
  const kinds = failureKinds(counts, ownErrors, lookupFailures);
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

// The gateway's lines, each whole: an error message may hold a newline (OpenSSL's end in one), and the physical line
// after it, which does not open with a time stamp, goes on with the same line.
function gatewayLines(file) {
  const out = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n"))
    if (out.length && !/^\d{4}-\d\d-\d\dT/.test(line)) out[out.length - 1] += "\n" + line;
    else out.push(line);
  return out;
}

// The bracketed fields of the log's client-facing lines with this status (not a targetResponse).
function clientFailureLines(files, status) {
  const out = [];
  for (const f of files)
    for (const line of gatewayLines(f)) {
      const fields = line.split("][");
      if (fields.length >= 16 && fields[12] === status && !fields[10].startsWith("targetResponse")) out.push(fields);
    }
  return out;
}

// Distinct correlation ids (the 9th bracketed field) of those lines.
const clientFailures = (files, status) => new Set(clientFailureLines(files, status).map((f) => f[8])).size;

// The lab client's request numbers of those lines (their path field).
const clientFailureNumbers = (files, status) =>
  new Set(
    clientFailureLines(files, status)
      .map((f) => requestNumber(f[5]))
      .filter(Boolean),
  );

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

// A 502 normally has a failing connection on the wire. Not always: when the gateway hands a request
// to a pooled socket whose FIN has arrived but not yet been processed, Node gives up before any
// request byte is sent ("socket hang up"), and on the wire the connection is a plain target idle
// close. The difference is recorded, not hidden.
// Each failed TLS handshake and each failed lookup costs a 502, and so does a response cut by a RST (read ECONNRESET);
// a response cut by a FIN does not: the gateway logs targetResponse aborted and never ends the client's 200.
// A target request the gateway aborted because its client left mid-upload is logged as a 502 `socket hang up` too
// (client-abort-upload): one per such gateway-close.
function logCounts(
  logFiles,
  c,
  fromTargets,
  lookupFailures = 0,
  midResponseRst = 0,
  clientAbortCloses = 0,
  workerExitCloses = 0,
  midResponseCloses = 0,
) {
  // Client-facing lines only: the gateway's error line or its sourceResponse; a target's own 502 also shows on
  // its targetResponse lines (grep -F '][502][' LOG | grep -vcF '][targetResponse').
  // At level trace the gateway writes its error line twice ([error] and [trace], one correlation id): one failure.
  const status502 = clientFailures(logFiles, "502");
  const status504 = clientFailures(logFiles, "504");
  // Unanswered SYNs end in a 504 when request_timeout fires first, else in a 502 (connect ETIMEDOUT).
  // A timeout in the middle of an answer logs no 504: the status had gone on.
  const timeoutCloses = c["gateway-close"] - clientAbortCloses - workerExitCloses - midResponseCloses;
  const syn504 = Math.min(c["syn-unanswered"], Math.max(0, status504 - timeoutCloses));
  const syn502 = c["syn-unanswered"] - syn504;
  return {
    files: logFiles.map((f) => f.split("/").at(-1)),
    status502,
    status504,
    // the targets' own 502 / 504 answers, passed on, and their answers that are not valid HTTP (tshark: http.response.code on the gateway leg)
    statusFromTargets: fromTargets,
    status502WithoutWireFailure:
      status502 -
      (c["keepalive-race"] + c["premature-close"] + c.refused + syn502) -
      fromTargets -
      (c["tls-handshake-failed"] ?? 0) -
      lookupFailures -
      midResponseRst -
      clientAbortCloses,
    ...(clientAbortCloses ? { status502ClientAborts: clientAbortCloses } : {}),
    // a dying worker's requests are logged by nobody
    status504WithoutWireFailure: status504 - timeoutCloses - syn504,
  };
}

// Requests and completed responses per tcp.stream, as tshark's HTTP dissector reads them (body reassembly on, its
// default: a response whose body stops short of its Content-Length is never completed):
// tshark -r full.pcap -d tcp.port==PORT,http -Y 'http.request || http.response' -T fields -e tcp.stream -e http.request -e http.response
function httpMessages(pcap, ports) {
  const by = new Map();
  if (!ports.length) return by;
  const out = tsharkHttpFields(pcap, ports, "http.request || http.response", [
    "tcp.stream",
    "http.request",
    "http.response",
  ]);
  for (const line of out.split("\n").filter(Boolean)) {
    const [stream, req, resp] = line.split("\t");
    const h = by.get(Number(stream)) ?? { requests: 0, responses: 0, uris: [] };
    if (req) h.requests++;
    if (resp) h.responses++;
    by.set(Number(stream), h);
  }
  // Each request's URI, in order, its head alone enough (body reassembly off: a body the client never finished
  // still names its request): tshark … -o http.desegment_body:FALSE -Y http.request -T fields -e tcp.stream -e http.request.uri
  addUris(
    by,
    pcap,
    [...new Set(ports)].flatMap((p) => ["-d", `tcp.port==${p},http`]),
    "http.request",
  );
  return by;
}

// Each request's URI on an https target's connections, decrypted with the gateway's session keys, so a request the
// client gave up on is named there too (its counts stay those of tlsRecords):
// tshark -r full.pcap -o tls.keylog_file:tls-keys.log -d tcp.port==PORT,tls -o http.desegment_body:FALSE
//   -Y 'http.request && ip.addr==HOST' -T fields -e tcp.stream -e http.request.uri
const addTlsUris = (by, pcap, { host, port }, keylog) =>
  addUris(
    by,
    pcap,
    ["-o", `tls.keylog_file:${keylog}`, "-d", `tcp.port==${port},tls`],
    `http.request && ip.addr==${host}`,
  );

function addUris(by, pcap, decode, filter) {
  const args = ["-r", pcap, ...decode, "-o", "http.desegment_body:FALSE", "-Y", filter, "-T", "fields"];
  const out = execFileSync("tshark", [...args, "-e", "tcp.stream", "-e", "http.request.uri"], {
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  for (const line of out.split("\n").filter(Boolean)) {
    const [stream, uri] = line.split("\t");
    const h = by.get(Number(stream)) ?? { requests: 0, responses: 0, uris: [] };
    h.uris.push(uri);
    by.set(Number(stream), h);
  }
}

// TLS records per tcp.stream on an https target's port, decrypted with the gateway's session keys (TLS 1.3 encrypts
// all but the hellos): tshark -r full.pcap -o tls.keylog_file:tls-keys.log -d tcp.port==PORT,tls -Y tls -T fields
//   -e tcp.stream -e tcp.srcport -e tls.handshake.type -e tls.alert_message.desc -e tls.app_data -e tcp.seq
function tlsRecords(pcap, port, keylog) {
  const out = execFileSync(
    "tshark",
    [
      "-r",
      pcap,
      "-o",
      `tls.keylog_file:${keylog}`,
      "-d",
      `tcp.port==${port},tls`,
      "-Y",
      `tls && tcp.port==${port}`,
      "-T",
      "fields",
      "-e",
      "tcp.stream",
      "-e",
      "tcp.srcport",
      "-e",
      "tls.handshake.type",
      "-e",
      "tls.alert_message.desc",
      "-e",
      "tls.app_data",
      "-e",
      "tcp.seq",
    ],
    { maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] },
  ).toString();
  const by = new Map();
  for (const line of out.split("\n").filter(Boolean)) {
    const [stream, srcPort, hs, alert, app, seq] = line.split("\t");
    const list = (v) => (v ? v.split(",").map(Number) : []);
    pushTo(by, Number(stream), {
      fromGateway: Number(srcPort) !== port,
      hs: list(hs),
      alert: list(alert),
      appData: !!app,
      seq: Number(seq),
    });
  }
  return by;
}

// The lookups of a target named by a host name: queries for it and their answers' rcodes on the wire (udp port 53):
// tshark -r full.pcap -Y 'dns.qry.name == "NAME"' -T fields -e dns.flags.response -e dns.flags.rcode
function dnsLookups(pcap, name) {
  const out = execFileSync(
    "tshark",
    [
      "-r",
      pcap,
      "-Y",
      `dns.qry.name == "${name}"`,
      "-T",
      "fields",
      "-e",
      "dns.flags.response",
      "-e",
      "dns.flags.rcode",
    ],
    { maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] },
  ).toString();
  const rows = out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"));
  const answers = rows.filter(([r]) => flag(r));
  return {
    queries: rows.length - answers.length,
    answers: answers.length,
    nxdomain: answers.filter(([, rc]) => rc === "3").length,
    other: answers.filter(([, rc]) => rc !== "3" && rc !== "0").length,
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

// A gateway worker's stop (gateway-run.cjs, LAB_GATEWAY_EVENTS): from the primary's kill or disconnect to the worker's
// exit as the primary saw it, plus 50 ms. The kernel closes a dying process's sockets before its parent hears of the
// exit, so a gateway FIN/RST in that window is the process ending, not the gateway's choice.
function gatewayWorkerExits(file) {
  if (!fs.existsSync(file)) return [];
  const events = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return events
    .filter((e) => e.event === "exit")
    .map((e) => {
      // One process's id comes back for its successor (kind `process`): only this life's kill counts.
      const before = events.filter((x) => x.worker === e.worker && x.event === "exit" && x.t < e.t).map((x) => x.t);
      const since = Math.max(-Infinity, ...before);
      const stops = events.filter(
        (x) => x.worker === e.worker && (x.event === "kill" || x.event === "disconnect") && x.t > since && x.t <= e.t,
      );
      const from = stops.length ? Math.min(...stops.map((x) => x.t)) : e.t - 200;
      return {
        fromUs: (from - 5) * 1000,
        toUs: (e.t + 50) * 1000,
        how: stops.map((x) => x.event).join(", ") || "exit",
      };
    });
}

export function computeTruth({ name, sc, fullPcap, mapFile, logFiles, client = [] }) {
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
  const keylog = path.join(path.dirname(mapFile), "tls-keys.log");
  const ownErrors = ownErrorResponses(fullPcap, sc.targets, keylog);
  const invalid = invalidResponses(fullPcap, sc.targets, keylog);
  const isIp = (h) => /^[\d.]+$/.test(h);
  const http = httpMessages(
    fullPcap,
    sc.targets.filter((t) => t.scheme !== "https" && isIp(t.listen.host)).map((t) => t.listen.port),
  );
  for (const t of sc.targets.filter((x) => x.scheme === "https" && isIp(x.listen.host)))
    addTlsUris(http, fullPcap, t.listen, keylog);
  const timedOutN = clientFailureNumbers(logFiles, "504");
  const workerExits = gatewayWorkerExits(path.join(path.dirname(mapFile), "gateway-events.jsonl"));
  const clientByN = new Map(
    client.flatMap((c) => {
      const n = requestNumber(c.path);
      return n ? [[n, c]] : [];
    }),
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
    // nginx answers every request at once and never closes one unanswered: a close of its crossing a request that
    // reached it is its keepalive_timeout with the request unread (random-306: RST 0 ms after the request, 4166 ms
    // into a 4160 ms timer)
    const closeReactionUs = t.backend?.nginx ? Infinity : reactionFloorUs;
    const tls = t.scheme === "https" ? tlsRecords(fullPcap, t.listen.port, keylog) : null;
    const tlsOf = tls ? (stream) => tls.get(stream) ?? [] : null;
    const conns = [];
    for (const pk of streams.values()) {
      if (pk[0].src !== tgt && pk[0].dst !== tgt) continue;
      conns.push(
        classify(
          pk,
          tgt,
          mapByGwPort,
          targetLegByRelayPort,
          backendAddr,
          closeReactionUs,
          http,
          tlsOf,
          clientByN,
          sc.gateway.requestTimeout,
          t.backend && !t.backend.closeAfter && !t.backend.connectionClose ? t.backend.idleMs * 1000 : null,
          workerExits,
          timedOutN,
        ),
      );
    }
    conns.sort((a, b) => a.synTimeUs - b.synTimeUs);
    const counts = { total: conns.length };
    for (const c of CLASSES) counts[c] = conns.filter((x) => x.class === c).length;
    // Requests the client gave up on (client.jsonl, on this target's base path), and those whose target request the
    // gateway then aborted (a gateway-close); the rest the gateway let run to the target's answer.
    const abortCloses = conns.filter((c) => c.gatewayCloseCause === "client-abort").length;
    const exitCloses = conns.filter((c) => c.gatewayCloseCause === "gateway-exit").length;
    const gaveUp = client.filter((c) => c.error === "client timeout" && c.path.startsWith(`${t.basePath}/`)).length;
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
      // a target that closes after every response (closeAfter, connectionClose) runs no idle timer that matters
      idleTimeoutMs: t.backend && !t.backend.closeAfter && !t.backend.connectionClose ? t.backend.idleMs : null,
      ...(t.backend?.closeAfter ? { closesAfterResponseMs: t.backend.closeAfter } : {}),
      ...(t.backend?.connectionClose ? { connectionClose: true } : {}),
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
      invalidResponses: invalid.get(tgt) ?? 0,
    };
    if (t.scheme === "https") rec.scheme = "https";
    // A target named by a host name that has no TCP connection on the wire: its lookups failed. The wire shows the
    // resolver's NXDOMAIN answers, or no answer at all (no query either when the resolver cannot be reached); the
    // failures are the client's failed requests on its base path (client.jsonl: the client's own view).
    let lookupFailures = 0;
    if (!isIp(t.listen.host) && counts.total === 0) {
      const d = dnsLookups(fullPcap, t.listen.host);
      const failed = client.filter((c) => c.path.startsWith(`${t.basePath}/`) && !(c.status >= 200 && c.status < 300));
      if (d.answers === d.nxdomain) lookupFailures = failed.length;
      rec.dns = {
        name: t.listen.host,
        ...d,
        world: sc.net?.dns ?? null,
        clientFailures: failed.length,
        why:
          d.nxdomain > 0
            ? `${d.nxdomain} NXDOMAIN answer(s) to ${d.queries} quer(ies) for ${t.listen.host}, no other answer`
            : d.queries > 0
              ? `${d.queries} quer(ies) for ${t.listen.host}, none answered`
              : `no query for ${t.listen.host} on the wire: the resolver could not be reached (world: ${sc.net?.dns ?? "?"})`,
      };
    }
    rec.lookupFailures = lookupFailures;
    rec.clientAborts = { gaveUp, gatewayClosed: abortCloses };
    if (exitCloses) rec.workerExitCloses = exitCloses;
    rec.failingConnections =
      counts.refused +
      counts["syn-unanswered"] +
      counts["keepalive-race"] +
      counts["premature-close"] +
      counts["gateway-close"] -
      abortCloses -
      exitCloses +
      counts["tls-handshake-failed"] +
      counts["target-reset-mid-response"];
    rec.failures = rec.failingConnections + rec.targetErrorResponses + rec.invalidResponses + lookupFailures;
    // a connection the gateway closed because its client left, or because its worker was stopped, is no failure of
    // the target
    const { cause, tiedCauses } = targetCauses(
      { ...counts, "gateway-close": counts["gateway-close"] - abortCloses - exitCloses },
      rec.targetErrorResponses + rec.invalidResponses,
      lookupFailures,
    );
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
      targets.reduce((n, t) => n + t.targetErrorResponses + t.invalidResponses, 0),
      targets.reduce((n, t) => n + t.lookupFailures, 0),
      connections.filter((c) => c.class === "target-reset-mid-response" && c.closeFlag === "RST").length,
      connections.filter((c) => c.gatewayCloseCause === "client-abort").length,
      connections.filter((c) => c.gatewayCloseCause === "gateway-exit").length,
      connections.filter((c) => c.midResponse && c.gatewayCloseCause !== "gateway-exit").length,
    ),
    captureCheck: { lostSegments: lost, tsharkFilter: LOST_FILTER },
    connections,
  };
}
