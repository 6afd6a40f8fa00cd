// Seeded random worlds for blind tests of the classifier: `npm run lab -- random:SEED` records
// randomScenario(SEED) as the fixture `random-SEED`. The world (targets, their behaviours, the gateway's
// config, the client's lanes) is a pure function of the seed; the traffic drawn from it (client.mjs,
// backend.mjs) is not, as with the hand-written scenarios.
//
// What is drawn, per world: 1–4 targets at distinct host:port (some sharing a port on different
// 127.0.0.x addresses); per target one or more behaviours — a long idle timeout (healthy), an idle
// timeout from 200 ms to 20 s closed by FIN or RST, hang-ups (FIN or RST, no response) on 2–20 % of one
// path, the target's own 502 / 503 / 504 on a share of one path, a slow path beyond request_timeout,
// or nothing listening (refused); one-way latency 0–40 ms; the gateway's log level (error / warn /
// info / debug), keep_alive_timeout set or unset, request_timeout set or unset. Client lanes mix gaps
// that land just under a target's idle timer (races), far beyond it (plain idle closes), short reuse
// gaps and scattered ones. From seed 39, clients that give up (`clientAborts` below): stalled uploads, GETs given up on
// a slow path. From seed 59, other causes (`otherCauses` below): TLS, cut and invalid answers, closes after every
// answer, a name that does not resolve, dropped SYNs, a capture clock off the log's. From seed 135, real servers
// (`realServers` below) and clients that say Connection: keep-alive. From seed 159, a cluster of gateway workers
// (`clusterWorkers` below). From seed 325, targets that speak only TLS 1.0–1.1 (`oldTls` below). From seed 420, gateway workers that die or reload mid-recording (`workerRestart` below).
// From seed 985, level trace and stack_trace on (`logOptions` below). From seed 1017, idle timers of 20–75 s (`longTimers`).
import { gw, proxyAt, target, scenarios } from "./scenarios.mjs";

// mulberry32: small, fast, good enough to draw worlds from.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["orders", "catalog", "billing", "legacy", "users", "search", "stock", "ledger"];
const HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9"];
const PORTS = [9000, 8080, 7000, 9009, 8443, 3000];

export function randomScenario(seed) {
  const r = prng(seed);
  const u = (a, b) => a + r() * (b - a);
  const int = (a, b) => Math.floor(u(a, b + 1));
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const chance = (p) => r() < p;
  const round = (x, to = 1) => Math.round(x / to) * to;
  const weighted = (pairs) => {
    let x = r() * pairs.reduce((n, [, w]) => n + w, 0);
    for (const [v, w] of pairs) if ((x -= w) <= 0) return v;
    return pairs[pairs.length - 1][0];
  };

  const n = weighted([
    [1, 2],
    [2, 3.5],
    [3, 3],
    [4, 1.5],
  ]);
  const hosts = [...HOSTS].sort(() => r() - 0.5);
  const usedPorts = [];
  const names = [...NAMES].sort(() => r() - 0.5);
  const durationS = int(55, 80);
  const drawnLevel = pick(["error", "warn", "info", "debug"]);
  const logging = seed >= LOG_OPTIONS_FROM ? logOptions(seed, drawnLevel) : { level: drawnLevel };
  const level = logging.level;
  const keepAliveTimeout = chance(0.4) ? null : pick([5000, 10000, 30000, 60000]);
  // Decided before the targets: a slow path needs request_timeout, and it is global.
  const wantSlow = chance(0.35);
  const requestTimeout = wantSlow ? int(2, 5) : chance(0.3) ? int(15, 30) : null;
  let refusing = 0;

  const targets = [];
  const lanes = [];
  const summary = [];
  for (let i = 0; i < n; i++) {
    const host = hosts[i];
    const port = usedPorts.length && chance(0.45) ? pick(usedPorts) : pick(PORTS.filter((p) => !usedPorts.includes(p)));
    if (!usedPorts.includes(port)) usedPorts.push(port);
    const name = names[i];
    const at = proxyAt(name, `${host}:${port}`);
    const paths = ["items/1", "items/2", "items/3", "stock", "users/7", "search"];

    if (n > 1 && refusing === 0 && chance(0.2)) {
      refusing++;
      targets.push(target({ ...at, relay: false, backend: null }));
      lanes.push({ target: i, paths: ["v1/orders", "v1/stock"], burst: 1, gaps: [{ p: 1, min: 1500, max: 5000 }] });
      summary.push(`${host}:${port} refuses`);
      continue;
    }

    const base = u(0, 40);
    const latency = { upMs: round(Math.max(0, base + u(-3, 3))), downMs: round(Math.max(0, base + u(-3, 3))) };
    const longIdle = chance(0.3);
    // log-uniform 200 ms .. 20 s
    const idleMs = longIdle ? pick([60000, 90000, 120000]) : round(Math.exp(u(Math.log(200), Math.log(20000))), 10);
    const idleClose = chance(0.6) ? "fin" : "rst";
    const keepAliveHint = !longIdle && idleMs >= 1000 && chance(0.15) ? Math.round(idleMs / 1000) : null;
    const hangup = chance(0.3)
      ? { prefix: pick(["/items", "/users", "/stock"]), share: round(u(0.02, 0.2), 0.01), close: pick(["fin", "rst"]) }
      : null;
    const status = chance(0.2)
      ? { prefix: pick(["/items", "/stock", "/search"]), share: round(u(0.05, 0.3), 0.01), code: pick([502, 503, 504]) }
      : null;
    const slow =
      wantSlow && (i === 0 || chance(0.3))
        ? { prefix: "/report", delayMs: requestTimeout * 1000 + int(1000, 3000) }
        : null;
    const lo = u(1, 10);
    const respMs = [round(lo, 0.5), round(lo + u(2, 15), 0.5)];
    targets.push(
      target({ ...at, latency, backend: { idleMs, idleClose, keepAliveHint, hangup, slow, status, respMs } }),
    );

    const parts = [
      longIdle ? `keeps idle ${idleMs / 1000} s` : `closes idle at ${idleMs} ms (${idleClose.toUpperCase()})`,
    ];
    if (keepAliveHint) parts.push(`Keep-Alive: timeout=${keepAliveHint}`);
    if (hangup)
      parts.push(`hangs up (${hangup.close.toUpperCase()}) on ${Math.round(hangup.share * 100)} % of ${hangup.prefix}`);
    if (status) parts.push(`answers ${status.code} itself on ${Math.round(status.share * 100)} % of ${status.prefix}`);
    if (slow) parts.push(`${slow.prefix} answers after ${slow.delayMs} ms`);
    parts.push(`latency ${latency.upMs}/${latency.downMs} ms`);
    summary.push(`${host}:${port} ${parts.join(", ")}`);

    // Lanes: 1–3 per target, each a mixture of gaps.
    const k = int(1, 3);
    for (let j = 0; j < k; j++) {
      const gaps = [];
      if (!longIdle) {
        const near = idleMs <= 8000 ? u(0, 0.55) : u(0, 0.3);
        const beyond = u(0.05, 0.35);
        if (near > 0.02) gaps.push({ p: near, near: idleMs, from: -round(u(20, 90)), to: round(u(0, 10)) });
        gaps.push({ p: beyond, min: idleMs + 100, max: Math.min(idleMs * 1.5 + 500, 30000) });
        gaps.push({ p: u(0.1, 0.4), min: 20, max: Math.max(60, Math.min(idleMs * 0.6, 2000)) });
      } else {
        gaps.push({ p: 0.4, min: 5, max: 300 });
        gaps.push({ p: 0.6, min: 500, max: 3000 });
      }
      if (chance(0.5)) gaps.push({ p: u(0.1, 0.3), min: 300, max: 3000 });
      const total = gaps.reduce((s, g) => s + g.p, 0);
      for (const g of gaps) g.p = Math.round((g.p / total) * 1000) / 1000;
      const lanePaths = slow && j === k - 1 ? [...paths, "report"] : paths;
      lanes.push({ target: i, paths: lanePaths, burst: int(1, 4), gaps });
    }
  }
  if (seed >= CLIENT_ABORTS_FROM) summary.push(...clientAborts(seed, targets, lanes, requestTimeout));
  const other = seed >= OTHER_CAUSES_FROM ? otherCauses(seed, targets, lanes, names[n]) : {};
  if (other.summary) summary.push(...other.summary);
  if (seed >= LONG_TIMERS_FROM) summary.push(...longTimers(seed, targets, lanes));
  if (seed >= REAL_SERVERS_FROM) summary.push(...realServers(seed, targets, lanes));
  const workers = seed >= CLUSTER_FROM ? clusterWorkers(seed) : 0;
  if (seed >= OLD_TLS_FROM) summary.push(...oldTls(seed, targets));
  const restart = workers
    ? seed >= RESTARTS_FROM
      ? workerRestart(seed, durationS)
      : null
    : seed >= PROCESS_RESTARTS_FROM
      ? processRestart(seed, durationS)
      : null;
  if (restart)
    summary.push(
      restart.kind === "crash"
        ? `a gateway worker dies (SIGKILL) ${restart.atMs / 1000} s in and is replaced at once`
        : restart.kind === "reload"
          ? `the gateway reloads ${restart.atMs / 1000} s in (every worker replaced, as edgemicro reload does)`
          : `the gateway process is killed (SIGKILL) ${restart.atMs / 1000} s in and started again ${restart.downMs} ms later (a new log file)`,
    );
  return {
    description: `Random world ${seed}: ${summary.join("; ")}. Gateway: logging.level ${level},${logging.stackTrace ? " stack_trace true," : ""}${workers ? ` ${workers} cluster workers,` : ""} keep_alive_timeout ${keepAliveTimeout ?? "unset"}, request_timeout ${requestTimeout ?? "unset"}.${other.captureShiftS ? ` The capture's clock runs ${Math.abs(other.captureShiftS)} s ${other.captureShiftS > 0 ? "ahead of" : "behind"} the log's.` : ""}`,
    durationS,
    gateway: gw({ keepAliveTimeout, requestTimeout, ...logging, ...(workers ? { workers } : {}) }),
    targets,
    lanes,
    ...(seed >= REAL_SERVERS_FROM ? { clientKeepAlive: true } : {}),
    ...(other.net ? { net: other.net } : {}),
    ...(other.captureShiftS ? { captureShiftS: other.captureShiftS } : {}),
    ...(restart ? { gatewayRestart: restart } : {}),
  };
}

// Other causes beside the races (blind battery 9 on): from seed 59 a world's listening targets may also speak TLS
// (a certificate the gateway rejects, one for another host, or a trusted one whose idle closes then race over
// encrypted records, with or without close_notify), cut responses short, answer with a status line that is not
// HTTP (or, from BIG_HEAD_FROM, a head over Node's limit; from BAD_HEADER_FROM, a header line or framing Node
// refuses), or close after every response (with or without `Connection: close`); one more target may fail its name
// lookup (NXDOMAIN) or drop SYNs (a firewall), and the capture's clock may be off the log's (editcap -t on the
// fixture's capture). Drawn from a generator of their own, after everything else, so seeds 1–58 stay as recorded.
const OTHER_CAUSES_FROM = 59;
// From seed 1545 half the answers Node's parser rejects are a valid head too large for it (lab header-overflow).
const BIG_HEAD_FROM = 1545;
// From seed 1593 some of them are heads Node refuses for their form (lab invalid-headers), one fault per target.
const BAD_HEADER_FROM = 1593;
const HEADER_FAULTS = ["duplicate-content-length", "content-length-and-chunked", "header-name-space", "bare-lf"];

function otherCauses(seed, targets, lanes, spareName) {
  const r = prng((seed ^ 0x2545f491) >>> 0);
  const u = (a, b) => a + r() * (b - a);
  const round = (x, to = 1) => Math.round(x / to) * to;
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const summary = [];
  const out = { summary };
  targets.forEach((t, i) => {
    const b = t.backend;
    if (!b || r() >= 0.45) return;
    const at = `${t.listen.host}:${t.listen.port}`;
    const kinds = ["tls-untrusted", "tls-wrong-host", "tls-ok", "tls-ok", "truncate", "malformed", "close-after"];
    // from seed 101 also a url scheme that does not match the target (earlier seeds draw the worlds they drew)
    const kind = pick(seed > 100 ? [...kinds, "scheme"] : kinds);
    const host = t.listen.host;
    if (kind === "scheme") {
      if (r() < 0.5) {
        b.tls = { cn: host, san: `IP:${host}`, trusted: true };
        summary.push(`${at} speaks TLS, but its proxy's url says http://`);
      } else {
        t.scheme = "https";
        summary.push(`${at} speaks plain HTTP, but its proxy's url says https://`);
      }
    } else if (kind.startsWith("tls")) {
      t.scheme = "https";
      if (kind === "tls-untrusted") b.tls = { cn: host, san: `IP:${host}`, trusted: false };
      else if (kind === "tls-wrong-host")
        b.tls = { cn: "wrong-host.example", san: "DNS:wrong-host.example", trusted: true };
      else b.tls = { cn: host, san: `IP:${host}`, trusted: true, closeNotify: r() < 0.5 };
      summary.push(
        `${at} speaks TLS ${kind === "tls-untrusted" ? "with a certificate the gateway does not trust" : kind === "tls-wrong-host" ? "with a trusted certificate for wrong-host.example" : `(trusted)${b.tls.closeNotify ? ", close_notify before its FINs" : ""}`}`,
      );
    } else if (kind === "truncate") {
      b.truncate = {
        prefix: pick(["/items", "/users"]),
        share: round(u(0.05, 0.25), 0.01),
        close: pick(["fin", "rst"]),
        bodyBytes: 400,
      };
      // the gateway never ends a cut response: its client gives up
      for (const l of lanes) if (l.target === i) l.clientTimeoutMs ??= 3000;
      summary.push(
        `${at} cuts ${Math.round(b.truncate.share * 100)} % of ${b.truncate.prefix} responses short (${b.truncate.close.toUpperCase()})`,
      );
    } else if (kind === "malformed" && seed >= BAD_HEADER_FROM && r() < 0.4) {
      b.badHeader = {
        prefix: pick(["/items", "/stock"]),
        share: round(u(0.05, 0.25), 0.01),
        kinds: [pick(HEADER_FAULTS)],
      };
      summary.push(
        `${at} answers ${Math.round(b.badHeader.share * 100)} % of ${b.badHeader.prefix} with a head Node's parser refuses (${b.badHeader.kinds[0]})`,
      );
    } else if (kind === "malformed" && seed >= BIG_HEAD_FROM && r() < 0.5) {
      b.bigHead = {
        prefix: pick(["/items", "/stock"]),
        share: round(u(0.05, 0.25), 0.01),
        bytes: pick([17000, 24000]),
      };
      summary.push(
        `${at} answers ${Math.round(b.bigHead.share * 100)} % of ${b.bigHead.prefix} with a ${b.bigHead.bytes / 1000} kB Set-Cookie (a head over Node's 16 KiB limit)`,
      );
    } else if (kind === "malformed") {
      b.malformed = {
        prefix: pick(["/items", "/stock"]),
        share: round(u(0.05, 0.25), 0.01),
        statusLine: "HTTP/1.1 abc OK",
      };
      summary.push(
        `${at} answers ${Math.round(b.malformed.share * 100)} % of ${b.malformed.prefix} with a status line that is not HTTP`,
      );
    } else if (r() < 0.5) {
      b.closeAfter = [0, 30];
      summary.push(`${at} closes (FIN) 0–30 ms after every response, without Connection: close`);
    } else {
      b.connectionClose = true;
      summary.push(`${at} sends Connection: close on every response`);
    }
  });
  const extra = r();
  if (extra < 0.3) {
    const i = targets.length;
    const dns = extra < 0.15;
    const hostPort = dns ? `${spareName}-backend.invalid:9009` : "10.9.9.2:9009";
    targets.push(target({ ...proxyAt(spareName, hostPort), relay: false, backend: null }));
    lanes.push({ target: i, paths: ["v1/orders", "v1/stock"], burst: 1, gaps: [{ p: 1, min: 400, max: 2500 }] });
    out.net = dns ? { dns: "nxdomain" } : { blackhole: "10.9.9.0/24", synRetries: pick([1, 2]) };
    summary.push(
      dns
        ? `${hostPort} does not resolve (NXDOMAIN)`
        : `${hostPort} drops SYNs (tcp_syn_retries ${out.net.synRetries})`,
    );
  }
  if (r() < 0.4)
    out.captureShiftS = Number(((r() < 0.5 ? -1 : 1) * Math.exp(u(Math.log(0.5), Math.log(150)))).toFixed(2));
  return out;
}

// Clients that give up (blind battery 6 on): from seed 39 a world may also have a lane whose client stalls in the
// middle of POST bodies and gives up (the gateway aborts the target request: a 502 `socket hang up` nobody receives,
// a gateway-close on the wire; client-abort-upload) and / or a lane of GETs given up on a slow path (the gateway lets
// the target answer: nothing fails; client-abort). Drawn from a generator of their own, after everything else, and
// only from seed 39, so the worlds of seeds 1–38 (and their fixtures) stay what they were recorded with. The client's
// timeout is the lane's own (`clientTimeoutMs`, client.mjs), below request_timeout when one is set, so the client
// leaves before the gateway's 504.
const CLIENT_ABORTS_FROM = 39;

function clientAborts(seed, targets, lanes, requestTimeout) {
  const r = prng((seed ^ 0x5bd1e995) >>> 0);
  const u = (a, b) => a + r() * (b - a);
  const int = (a, b) => Math.floor(u(a, b + 1));
  const round = (x, to = 1) => Math.round(x / to) * to;
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const listening = targets.map((t, i) => (t.backend ? i : -1)).filter((i) => i >= 0);
  const summary = [];
  if (!listening.length) return summary;
  const upload = r() < 0.5;
  const slowGet = r() < 0.35;
  // below request_timeout (2–5 s with a slow path, 15–30 s otherwise), never below 800 ms
  const timeout = () => round(Math.max(800, Math.min(u(1000, 3000), (requestTimeout ?? 60) * 1000 - 700)), 100);
  if (upload) {
    const i = pick(listening);
    const t = targets[i];
    const bytes = round(u(100_000, 400_000), 1000);
    const stallAfter = round(u(4_000, 40_000), 1000);
    const share = round(u(0.2, 0.7), 0.05);
    const clientTimeoutMs = timeout();
    const gaps = [{ p: 1, min: round(u(200, 600)), max: round(u(1500, 4000)) }];
    lanes.push({
      target: i,
      paths: ["upload"],
      burst: int(1, 2),
      gaps,
      clientTimeoutMs,
      post: { share, bytes: [bytes, bytes], stallAfter },
    });
    summary.push(
      `${t.listen.host}:${t.listen.port} client stalls after ${stallAfter / 1000} of ${bytes / 1000} kB on ${Math.round(share * 100)} % of its /upload POSTs and gives up after ${clientTimeoutMs} ms`,
    );
  }
  if (slowGet) {
    const i = pick(listening);
    const t = targets[i];
    const b = t.backend;
    // a target without a slow path gets one, answering before request_timeout (the client leaves, the gateway waits)
    if (!b.slow)
      b.slow = { prefix: "/report", delayMs: round(Math.min(u(3000, 7000), (requestTimeout ?? 60) * 1000 - 500), 100) };
    const clientTimeoutMs = round(Math.min(timeout(), b.slow.delayMs - 700), 100);
    const gaps = [{ p: 1, min: round(u(300, 800)), max: round(u(2000, 5000)) }];
    lanes.push({ target: i, paths: ["report", "items/1"], burst: 1, gaps, clientTimeoutMs });
    summary.push(
      `${t.listen.host}:${t.listen.port} ${b.slow.prefix} answers after ${b.slow.delayMs} ms, a client gives up on it after ${clientTimeoutMs} ms`,
    );
  }
  return summary;
}

/** The scenario a recording name stands for: a hand-written one, or `random-SEED` / `random:SEED`; either with
 * `-Ss` after it, the same world recorded for S seconds (`record.mjs --duration S`). */
export function scenarioByName(name) {
  const long = /^(.+)-(\d+)s$/.exec(name);
  if (long) {
    const base = scenarioByName(long[1]);
    const durationS = Number(long[2]);
    return { name: `${base.name}-${durationS}s`, sc: base.sc && { ...base.sc, durationS } };
  }
  if (scenarios[name]) return { name, sc: scenarios[name] };
  const m = /^random[-:](\d+)$/.exec(name);
  if (m) return { name: `random-${m[1]}`, sc: randomScenario(Number(m[1])) };
  return { name, sc: undefined };
}

// Real servers (blind battery 21 on): from seed 135 a target that only idles out (FIN), answers and maybe sits behind
// latency may be Node's own http server (its keepAliveTimeout 1 s below the idle timer: Node 20 closes 1 s after it)
// or nginx (no POSTs to it: it answers before reading a body, unlike the lab's targets). The client then says
// Connection: keep-alive, which the gateway passes on: real servers honour Connection: close. Drawn from a generator
// of their own, after everything else, so seeds 1–134 stay as recorded.
const REAL_SERVERS_FROM = 135;

const PLAIN_KEYS = new Set([
  "host",
  "port",
  "idleMs",
  "idleClose",
  "keepAliveHint",
  "hangup",
  "slow",
  "status",
  "respMs",
]);

function realServers(seed, targets, lanes) {
  const r = prng((seed ^ 0x68e31da4) >>> 0);
  const summary = [];
  for (const [i, t] of targets.entries()) {
    const b = t.backend;
    if (!b || b.idleClose !== "fin" || b.idleMs < 1100 || b.hangup || b.slow || b.status) continue;
    if (Object.entries(b).some(([k, v]) => !PLAIN_KEYS.has(k) && v != null && v !== false)) continue;
    const x = r();
    const posts = lanes.some((l) => l.target === i && l.post);
    if (x < 0.35) {
      t.backend = { ...b, nodeHttp: true, keepAliveHint: Math.floor((b.idleMs - 1000) / 1000) };
      summary.push(`${t.listen.host}:${t.listen.port} is Node's http server (keepAliveTimeout ${b.idleMs - 1000} ms)`);
    } else if (x < 0.7 && !posts) {
      t.backend = { ...b, nginx: true, keepAliveHint: null, respMs: [0, 1] };
      summary.push(`${t.listen.host}:${t.listen.port} is nginx (keepalive_timeout ${b.idleMs} ms)`);
    }
  }
  return summary;
}

// The gateway as `edgemicro start` runs it (blind battery 24 on): from seed 159 a world's gateway may be a cluster
// of 2–4 workers, each with its own pool, logging through the primary (scripts/lab/gateway-run.cjs). Drawn from a
// generator of its own, so seeds 1–158 stay as recorded.
const CLUSTER_FROM = 159;

function clusterWorkers(seed) {
  const r = prng((seed ^ 0x2c1b3c6d) >>> 0);
  return r() < 0.5 ? 2 + Math.floor(r() * 3) : 0;
}

// Older TLS targets (blind battery 45 on): from seed 325 a target that speaks TLS with a trusted certificate may speak
// only TLS 1.0–1.1, refusing every hello of the gateway's Node (TLS 1.2–1.3) with a protocol_version alert (the
// tls-old-protocol recording). Drawn from a generator of its own, so seeds 1–324 stay as recorded.
const OLD_TLS_FROM = 325;

function oldTls(seed, targets) {
  const r = prng((seed ^ 0x1b873593) >>> 0);
  const summary = [];
  for (const t of targets) {
    const tls = t.backend?.tls;
    if (!tls?.trusted || t.scheme !== "https" || tls.cn === "wrong-host.example" || r() >= 0.6) continue;
    tls.maxVersion = "TLSv1.1";
    summary.push(`${t.listen.host}:${t.listen.port} speaks only TLS 1.0–1.1`);
  }
  return summary;
}

// Gateway restarts (blind battery 54 on): from seed 420 a cluster gateway may lose a worker mid-recording (SIGKILL; the
// primary forks its successor at once, as edgemicro's cluster manager does) or reload (every worker replaced, the old
// ones disconnected, then killed). A dying worker's target sockets close with its process: FINs from the gateway, a
// RST where a response was arriving; its in-flight requests fail toward their clients and are logged by nobody.
// Drawn from a generator of its own, so seeds 1–419 stay as recorded.
const RESTARTS_FROM = 420;

function workerRestart(seed, durationS) {
  const r = prng((seed ^ 0x7f4a7c15) >>> 0);
  if (r() >= 0.6) return null;
  const kind = r() < 0.6 ? "crash" : "reload";
  return { kind, atMs: Math.round(durationS * (0.3 + 0.4 * r())) * 1000 };
}

// From seed 577 a gateway run as one process (no cluster) may be killed mid-recording and started again by a service
// manager 0.3–3 s later: the new process writes a new log file, and nothing logs the stop.
const PROCESS_RESTARTS_FROM = 577;

function processRestart(seed, durationS) {
  const r = prng((seed ^ 0x5bd1e995) >>> 0);
  if (r() >= 0.5) return null;
  const atMs = Math.round(durationS * (0.3 + 0.4 * r())) * 1000;
  return { kind: "process", atMs, downMs: 300 + Math.round(r() * 2700) };
}

// Long idle timers (blind battery 88 on): from seed 1017 a target with an idle timer under 20 s may get one of
// 20–75 s instead (a load balancer's 60 s, nginx's 75 s default), its lanes then leaving gaps near it, beyond it and
// short ones: a minute's world sees a race or two there, a long one (--duration) many. Drawn from a generator of its
// own, before the real servers (which may then take the long timer), so seeds 1–1016 stay as drawn.
const LONG_TIMERS_FROM = 1017;

function longTimers(seed, targets, lanes) {
  const r = prng((seed ^ 0x3c6ef372) >>> 0);
  const summary = [];
  for (const [i, t] of targets.entries()) {
    const b = t.backend;
    if (!b || b.idleMs >= 20000 || r() >= 0.4) continue;
    const idleMs = Math.round((20000 + r() * 55000) / 10) * 10;
    t.backend = { ...b, idleMs, keepAliveHint: b.keepAliveHint ? Math.round(idleMs / 1000) : null };
    for (const l of lanes.filter((x) => x.target === i && !x.post && x.paths[0] !== "report"))
      l.gaps = [
        { p: 0.3, near: idleMs, from: -90, to: 5 },
        { p: 0.15, min: idleMs + 100, max: Math.round(idleMs * 1.3) },
        { p: 0.55, min: 20, max: 2000 },
      ];
    summary.push(`${t.listen.host}:${t.listen.port} closes idle at ${idleMs} ms instead`);
  }
  return summary;
}

// Log options (blind battery 87 on): from seed 985 the level may be trace (a stack, or an empty line, after every
// event line) and stack_trace may be on (a failure's stack after its line at any level). Drawn from a generator of
// its own, so seeds 1–984 stay as recorded.
const LOG_OPTIONS_FROM = 985;

function logOptions(seed, level) {
  const r = prng((seed ^ 0x2545f491) >>> 0);
  return { level: r() < 0.2 ? "trace" : level, stackTrace: r() < 0.3 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const s of process.argv.slice(2)) console.log(JSON.stringify(randomScenario(Number(s)), null, 2));
}
