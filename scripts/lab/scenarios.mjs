// The worlds the lab records. Each scenario says what the targets do (idle timeout, FIN or RST,
// Keep-Alive hint, hang-ups, slow path), how far away they are (one-way latency added by the
// relay), how the gateway is configured, and how the client drives traffic.
//
// Addresses: the gateway sees each target at `listen` (the relay). The relay forwards to the
// backend at `backend.host:backend.port` on another loopback address, so the gateway leg can be
// cut out of the full capture by the relay's address and port alone.
//
// Traffic: each lane loops until the scenario's duration is over: send a burst of 1..burst
// concurrent requests, wait for all answers, then sleep a gap drawn from `gaps` (weights p).
// A gap {near: X, from, to} sleeps X+U(from,to) ms: used to land the next request on a pooled
// socket whose idle age is close to the target's idle timeout, which is when races happen.

export const gw = (over = {}) => ({
  port: 8000,
  keepAliveTimeout: 30000,
  requestTimeout: null,
  level: "info",
  statsLogInterval: 10,
  ...over,
});

// The backend behind a relay listening at 127.0.0.N:P is at 127.0.1.N:P (the full capture tells the legs apart).
const backendOf = ({ host, port }) => ({ host: host.replace(/^127\.0\.0\./, "127.0.1."), port });

// A proxy edgemicro_NAME with base path /NAME whose target the gateway sees at host:port.
export const proxyAt = (name, hostPort) => {
  const [host, port] = hostPort.split(":");
  return { proxy: `edgemicro_${name}`, basePath: `/${name}`, listen: { host, port: Number(port) } };
};

export const target = ({ listen = { host: "127.0.0.2", port: 9000 }, ...over }) => ({
  proxy: "edgemicro_orders",
  basePath: "/orders",
  // the proxy url's scheme: https makes the gateway speak TLS to the target (backend.tls gives it a certificate)
  scheme: "http",
  listen,
  latency: { upMs: 20, downMs: 20 },
  relay: true,
  ...over,
  backend:
    over.backend === null
      ? null
      : {
          ...backendOf(listen),
          idleMs: 60000,
          idleClose: "fin",
          keepAliveHint: null,
          hangup: null,
          slow: null,
          status: null,
          truncate: null,
          tls: null,
          malformed: null,
          bigHead: null,
          closeAfter: null,
          connectionClose: false,
          drip: null,
          respMs: [2, 8],
          ...(over.backend ?? {}),
        },
});

const paths = ["items/1", "items/2", "items/3", "stock", "users/7"];

// A race lane: bursts whose gaps often land just under the target's idle timeout (the window
// is about one round trip wide), sometimes well past it (idle closes), sometimes short.
export const raceLane = (t, idleMs, burst, { nearP = 0.55, longP = 0.25 } = {}) => ({
  target: t,
  paths,
  burst,
  gaps: [
    { p: nearP, near: idleMs, from: -60, to: 5 },
    { p: longP, min: idleMs + 150, max: idleMs * 1.6 + 300 },
    { p: 1 - nearP - longP, min: 30, max: Math.max(60, idleMs * 0.6) },
  ],
});

// Scattered gaps, many of them ≥ 500 ms, for premature closes.
export const scatterLane = (t, p, burst = 2) => ({
  target: t,
  paths: p,
  burst,
  gaps: [
    { p: 0.35, min: 5, max: 200 },
    { p: 0.4, min: 500, max: 1500 },
    { p: 0.25, min: 1500, max: 3000 },
  ],
});

// One target that keeps idle connections 60 s and never hangs up, but answers some /orders/items requests in a way the
// gateway passes on or rejects (`answer`: backend knobs); the lane's scattered gaps keep its sockets idle in between.
const answersOnItems = (description, durationS, answer) => ({
  description,
  durationS,
  gateway: gw({ keepAliveTimeout: 30000 }),
  targets: [target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 60000, ...answer } })],
  lanes: [scatterLane(0, ["items/1", "items/2", "stock"], 2)],
});

// A healthy target beside one at 10.9.9.2:9009 whose SYNs are dropped; the gateway's request_timeout and the
// namespace's SYN retries decide whether a request there ends in a 504 or a 502 connect ETIMEDOUT.
const blackholeWorld = ({ description, synRetries, requestTimeout }) => ({
  description,
  durationS: 30,
  net: { blackhole: "10.9.9.0/24", synRetries },
  gateway: gw({ keepAliveTimeout: 30000, ...(requestTimeout !== null ? { requestTimeout } : {}) }),
  targets: [
    target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 120000 } }),
    target({ ...proxyAt("legacy", "10.9.9.2:9009"), relay: false, backend: null }),
  ],
  lanes: [
    scatterLane(0, paths, 2),
    { ...scatterLane(1, ["v1/orders", "v1/stock"], 1), gaps: [{ p: 1, min: 200, max: 1500 }] },
  ],
});

// A healthy target beside one whose proxy url names a host no resolver knows (.invalid is reserved, RFC 6761). In the
// recording's namespace the resolver of /etc/resolv.conf is either a stub on loopback that answers NXDOMAIN
// (`dns: "nxdomain"`) or not reachable at all (`dns: "unreachable"`: nothing is set up, the namespace has no route).
const dnsWorld = ({ description, dns }) => ({
  description,
  durationS: 25,
  net: { dns },
  gateway: gw({ keepAliveTimeout: 30000 }),
  targets: [
    target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 120000 } }),
    target({ ...proxyAt("legacy", "legacy-orders.invalid:9009"), relay: false, backend: null }),
  ],
  lanes: [
    scatterLane(0, paths, 2),
    { ...scatterLane(1, ["v1/orders", "v1/stock"], 1), gaps: [{ p: 1, min: 300, max: 1500 }] },
  ],
});

// A target that cuts a quarter of its /items responses short (400 of 1.9 kB body bytes, then FIN or RST).
const midResponseWorld = (close, description) => ({
  description,
  durationS: 30,
  clientTimeoutMs: 3000,
  gateway: gw({ keepAliveTimeout: 30000 }),
  targets: [
    target({
      latency: { upMs: 20, downMs: 20 },
      backend: { idleMs: 60000, truncate: { prefix: "/items", share: 0.25, close, bodyBytes: 400 } },
    }),
  ],
  lanes: [scatterLane(0, ["items/1", "items/2", "stock"], 2)],
});

// The TLS worlds' targets: a healthy http one beside an https one at 127.0.0.3:9443 with the given backend.
// `scheme` is the proxy url's: http with a TLS backend (or https without one) is the scheme-* recordings' mismatch.
const plainAndSecure = (backend, scheme = "https") => [
  target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 120000 } }),
  target({ ...proxyAt("secure", "127.0.0.3:9443"), scheme, latency: { upMs: 18, downMs: 18 }, backend }),
];

// A healthy http target beside an https one whose certificate (made for the recording) the gateway rejects.
const tlsWorld = (description, tls, scheme = "https") => ({
  description,
  durationS: 25,
  gateway: gw({ keepAliveTimeout: 30000 }),
  targets: plainAndSecure({ idleMs: 60000, tls }, scheme),
  lanes: [
    scatterLane(0, paths, 2),
    { ...scatterLane(1, ["v1/orders", "v1/stock"], 1), gaps: [{ p: 1, min: 300, max: 1500 }] },
  ],
});

// A healthy http target beside an https one (trusted) that closes idle connections after 1 s: races over TLS.
const tlsRaceWorld = (description, closeNotify, idleClose = "fin", maxVersion = undefined) => ({
  description,
  durationS: 40,
  gateway: gw({ keepAliveTimeout: 30000 }),
  targets: plainAndSecure({
    idleMs: 1000,
    idleClose,
    tls: { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: true, closeNotify, maxVersion },
  }),
  lanes: [scatterLane(0, paths, 2), raceLane(1, 1000, 3)],
});

// A target whose /report answers after 4.5 s while the gateway's client gives up after 1.5 s without a byte (a client
// timeout, a user closing the browser, a load balancer in front of the gateway with a shorter timeout); no
// request_timeout, so the gateway itself never gives up. Its other paths are fast.
const clientAbortWorld = (description, level) => ({
  description,
  durationS: 30,
  clientTimeoutMs: 1500,
  gateway: gw({ keepAliveTimeout: 30000, level }),
  targets: [
    target({
      latency: { upMs: 20, downMs: 20 },
      backend: { idleMs: 60000, slow: { prefix: "/report", delayMs: 4500 } },
    }),
  ],
  lanes: [scatterLane(0, paths, 2), { ...scatterLane(0, ["report"], 1), gaps: [{ p: 1, min: 300, max: 2000 }] }],
});

// The gateway's client stalls in the middle of a POST body (20 kB of an announced 200 kB) on half of /orders/upload and
// gives up after 1.5 s; the gateway has opened the target request and is streaming the body. No request_timeout
// unless one is given.
const clientUploadAbortWorld = (description, level, requestTimeout = null) => ({
  description,
  durationS: 30,
  clientTimeoutMs: 1500,
  gateway: gw({ keepAliveTimeout: 30000, level, ...(requestTimeout !== null ? { requestTimeout } : {}) }),
  targets: [target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 60000 } })],
  lanes: [
    scatterLane(0, paths, 2),
    {
      ...scatterLane(0, ["upload"], 1),
      gaps: [{ p: 1, min: 300, max: 2000 }],
      post: { share: 0.5, bytes: [200_000, 200_000], stallAfter: 20_000 },
    },
  ],
});

export const scenarios = {
  "race-300ms": {
    description: "Target closes idle keep-alive connections after 300 ms with FIN, sends no Keep-Alive hint.",
    durationS: 35,
    gateway: gw({ keepAliveTimeout: 5000 }),
    targets: [target({ latency: { upMs: 18, downMs: 21 }, backend: { idleMs: 300 } })],
    lanes: [raceLane(0, 300, 2)],
  },
  "race-1s": {
    description: "Target closes idle keep-alive connections after 1 s with FIN, no hint.",
    durationS: 45,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 22, downMs: 19 }, backend: { idleMs: 1000, respMs: [3, 12] } })],
    lanes: [raceLane(0, 1000, 3)],
  },
  // Not in `all`: they need the namespace's hosts file of lib/analysis/__fixtures__/dual-stack/README.md.
  "happy-eyeballs-refused": {
    manual: true,
    description:
      "refused, the legacy proxy's url naming legacy.lab (::1 first, then 127.0.0.4, nothing listening on either).",
    durationS: 20,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 120000 } }),
      { ...target({ ...proxyAt("legacy", "127.0.0.4:9009"), relay: false, backend: null }), urlHost: "legacy.lab" },
    ],
    lanes: [scatterLane(0, paths, 2), scatterLane(1, ["v1/orders", "v1/stock"], 1)],
  },
  "happy-eyeballs": {
    manual: true,
    description: "race-1s, the proxy url naming orders.lab (::1 first, then the relay's 127.0.0.2).",
    durationS: 45,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      {
        ...target({ latency: { upMs: 22, downMs: 19 }, backend: { idleMs: 1000, respMs: [3, 12] } }),
        urlHost: "orders.lab",
      },
    ],
    lanes: [raceLane(0, 1000, 3)],
  },
  "race-2s": {
    description: "Target closes idle keep-alive connections after 2 s with FIN, no hint.",
    durationS: 55,
    gateway: gw({ keepAliveTimeout: 5000 }),
    targets: [
      target({
        listen: { host: "127.0.0.5", port: 8080 },
        latency: { upMs: 16, downMs: 24 },
        backend: { idleMs: 2000 },
      }),
    ],
    lanes: [raceLane(0, 2000, 3)],
  },
  "race-5s-rst": {
    description: "Target closes idle keep-alive connections after 5 s with RST (abortive close), no hint.",
    durationS: 60,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 24, downMs: 17 }, backend: { idleMs: 5000, idleClose: "rst" } })],
    lanes: [raceLane(0, 5000, 4, { nearP: 0.65, longP: 0.2 })],
  },
  "race-60s": {
    description:
      "Long idle timers, as load balancers and web servers keep them: 127.0.0.2:9000 closes idle keep-alive connections after 60 s with FIN (a cloud load balancer's default), 127.0.0.3:9000 after 15 s with RST; no hints. One lane each, 5 minutes.",
    durationS: 300,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 21, downMs: 18 }, backend: { idleMs: 60000 } }),
      target({
        ...proxyAt("catalog", "127.0.0.3:9000"),
        latency: { upMs: 16, downMs: 23 },
        backend: { idleMs: 15000, idleClose: "rst" },
      }),
    ],
    lanes: [raceLane(0, 60000, 3, { nearP: 0.6, longP: 0.25 }), raceLane(1, 15000, 3, { nearP: 0.6, longP: 0.2 })],
  },
  "premature-15": {
    description:
      "Target keeps idle connections 60 s but hangs up (FIN, no response) on 15 % of /orders/items requests; one client lane, so pooled sockets sit idle for the lane's gaps (75 % of them ≥ 500 ms).",
    durationS: 55,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({
        latency: { upMs: 19, downMs: 20 },
        backend: { idleMs: 60000, hangup: { prefix: "/items", share: 0.15, close: "fin" } },
      }),
    ],
    // a single lane: every pooled socket idles at least the lane's gap between bursts
    lanes: [
      {
        ...scatterLane(0, ["items/1", "items/2", "items/3", "stock"], 3),
        gaps: [
          { p: 0.25, min: 5, max: 200 },
          { p: 0.45, min: 500, max: 1500 },
          { p: 0.3, min: 1500, max: 3000 },
        ],
      },
    ],
  },
  "premature-3": {
    description: "Target keeps idle connections 60 s but resets (RST, no response) 3 % of /orders/items requests.",
    durationS: 45,
    gateway: gw({ keepAliveTimeout: 5000 }),
    targets: [
      target({
        latency: { upMs: 15, downMs: 17 },
        backend: { idleMs: 60000, hangup: { prefix: "/items", share: 0.03, close: "rst" } },
      }),
    ],
    lanes: [
      scatterLane(0, ["items/1", "items/2", "items/3", "stock"], 2),
      { ...scatterLane(0, ["items/4", "items/5"], 1), gaps: [{ p: 1, min: 100, max: 600 }] },
    ],
  },
  healthy: {
    description: "Target keeps idle connections 120 s, never hangs up: no errors.",
    durationS: 25,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 20, downMs: 23 }, backend: { idleMs: 120000 } })],
    lanes: [scatterLane(0, paths, 3)],
  },
  refused: {
    description:
      "Proxy edgemicro_legacy points at 127.0.0.4:9009 where nothing listens (ECONNREFUSED); edgemicro_orders is healthy.",
    durationS: 20,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 120000 } }),
      target({
        ...proxyAt("legacy", "127.0.0.4:9009"),
        relay: false,
        backend: null,
      }),
    ],
    lanes: [scatterLane(0, paths, 2), scatterLane(1, ["v1/orders", "v1/stock"], 1)],
  },
  "gateway-timeout": {
    description:
      "request_timeout 3 s; /orders/report answers after 6 s, so the gateway aborts it (504). Other paths are fast.",
    durationS: 30,
    gateway: gw({ keepAliveTimeout: 30000, requestTimeout: 3 }),
    targets: [
      target({
        latency: { upMs: 21, downMs: 18 },
        backend: { idleMs: 60000, slow: { prefix: "/report", delayMs: 6000 } },
      }),
    ],
    lanes: [scatterLane(0, paths, 2), { ...scatterLane(0, ["report"], 1), gaps: [{ p: 1, min: 500, max: 2500 }] }],
  },
  "two-hosts-one-port": {
    description:
      "Two targets on the same port of two hosts: 127.0.0.2:9000 closes idle at 1 s (FIN, races); 127.0.0.3:9000 keeps 60 s but hangs up on 12 % of /items.",
    durationS: 50,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 20, downMs: 22 }, backend: { idleMs: 1000 } }),
      target({
        ...proxyAt("catalog", "127.0.0.3:9000"),
        latency: { upMs: 17, downMs: 19 },
        backend: {
          idleMs: 60000,
          hangup: { prefix: "/items", share: 0.12, close: "fin" },
        },
      }),
    ],
    lanes: [raceLane(0, 1000, 2), scatterLane(1, ["items/1", "items/2", "search"], 2)],
  },
  both: {
    description:
      "One target that closes idle at 1.2 s (FIN, no hint) and also hangs up (FIN) on 10 % of /items requests.",
    durationS: 50,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({
        latency: { upMs: 19, downMs: 23 },
        backend: { idleMs: 1200, hangup: { prefix: "/items", share: 0.1, close: "fin" } },
      }),
    ],
    lanes: [raceLane(0, 1200, 2, { nearP: 0.45, longP: 0.3 }), scatterLane(0, ["items/1", "items/2"], 1)],
  },
  "race-1s-error-level": {
    description: "Like race-1s, but logging.level error: only failures and stats lines are logged.",
    durationS: 45,
    gateway: gw({ keepAliveTimeout: 5000, level: "error" }),
    targets: [target({ latency: { upMs: 18, downMs: 20 }, backend: { idleMs: 1000, respMs: [2, 10] } })],
    lanes: [raceLane(0, 1000, 3)],
  },
  "node-http-5s": {
    description:
      "The target is Node's own http.createServer with its default keepAliveTimeout (5 s, announced as Keep-Alive: timeout=5; Node 20 closes idle sockets 1 s after it, at 6 s), not the lab's imitation; the gateway's keep_alive_timeout is 30 s; the client says Connection: keep-alive (the gateway passes it on).",
    durationS: 60,
    clientKeepAlive: true,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 15, downMs: 16 }, backend: { nodeHttp: true, idleMs: 6000, respMs: [2, 10] } }),
    ],
    lanes: [raceLane(0, 6000, 3), raceLane(0, 6000, 2, { nearP: 0.5, longP: 0.2 })],
  },
  "nginx-2s": {
    description:
      "The target is nginx itself (Debian's 1.22) with keepalive_timeout 2s, answering every request at once; the client says Connection: keep-alive (the gateway passes it on).",
    durationS: 50,
    clientKeepAlive: true,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 14, downMs: 15 }, backend: { nginx: true, idleMs: 2000, respMs: [0, 1] } })],
    lanes: [raceLane(0, 2000, 3), raceLane(0, 2000, 2, { nearP: 0.5, longP: 0.2 })],
  },
  "cluster-two-workers": {
    description:
      "The gateway as `edgemicro start` runs it on a 2-core host: two cluster workers sharing port 8000, each with its own pool, one log written by the primary (PID = worker id). 127.0.0.2:9000 closes idle at 1 s (FIN); 127.0.0.3:8080 keeps 60 s but hangs up (RST) on 10 % of /items.",
    durationS: 55,
    gateway: gw({ keepAliveTimeout: 30000, workers: 2 }),
    targets: [
      target({ latency: { upMs: 17, downMs: 20 }, backend: { idleMs: 1000 } }),
      target({
        ...proxyAt("catalog", "127.0.0.3:8080"),
        latency: { upMs: 11, downMs: 13 },
        backend: { idleMs: 60000, hangup: { prefix: "/items", share: 0.1, close: "rst" } },
      }),
    ],
    lanes: [raceLane(0, 1000, 3), raceLane(0, 1000, 2), scatterLane(1, ["items/1", "items/2", "stock"], 2)],
  },
  // A worker that dies with requests in flight (SIGKILL; the primary forks its successor at once) and a reload that
  // replaces every worker (edgemicro reload): slow /report requests keep target requests open at that moment. The
  // dying worker's sockets close with its process (FIN; RST where data was unread), and nobody logs its requests.
  ...Object.fromEntries(
    [
      [
        "worker-crash-mid-request",
        "crash",
        "One of two gateway workers dies (SIGKILL) 15 s in and is replaced at once",
      ],
      [
        "gateway-reload-mid-request",
        "reload",
        "The gateway reloads 15 s in: both workers replaced, as edgemicro reload does",
      ],
    ].map(([name, kind, what]) => [
      name,
      {
        description: `${what}, with slow requests in flight (/report answers after 2.5 s; three lanes of them). 127.0.0.2:9000 keeps idle 60 s and otherwise answers everything.`,
        durationS: 30,
        gateway: gw({ keepAliveTimeout: 30000, workers: 2 }),
        gatewayRestart: { kind, atMs: 15000 },
        targets: [
          target({
            latency: { upMs: 10, downMs: 12 },
            backend: { idleMs: 60000, slow: { prefix: "/report", delayMs: 2500 } },
          }),
        ],
        lanes: [
          scatterLane(0, paths, 2),
          ...[0, 1, 2].map(() => ({ ...scatterLane(0, ["report"], 1), gaps: [{ p: 1, min: 50, max: 400 }] })),
        ],
      },
    ]),
  ),
  "gateway-process-restart": {
    description:
      "The gateway runs as one process (no cluster) and is killed (SIGKILL) 15 s in with slow requests in flight (/report answers after 2.5 s; three lanes of them); a service manager starts it again 1 s later, and the new process writes a new log file (microgateway-core's new uid). 127.0.0.2:9000 keeps idle 60 s and otherwise answers everything.",
    durationS: 30,
    gateway: gw({ keepAliveTimeout: 30000 }),
    gatewayRestart: { kind: "process", atMs: 15000, downMs: 1000 },
    targets: [
      target({
        latency: { upMs: 10, downMs: 12 },
        backend: { idleMs: 60000, slow: { prefix: "/report", delayMs: 2500 } },
      }),
    ],
    lanes: [
      scatterLane(0, ["items/1", "items/2", "stock"], 2),
      ...[0, 1, 2].map(() => ({ ...scatterLane(0, ["report"], 1), gaps: [{ p: 1, min: 50, max: 400 }] })),
    ],
  },
  "keepalive-hint": {
    description:
      "Target sends Keep-Alive: timeout=2 and closes idle at 2 s (FIN). Does the gateway (Node 20 agent) retire sockets?",
    durationS: 50,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 20, downMs: 21 }, backend: { idleMs: 2000, keepAliveHint: 2 } })],
    lanes: [raceLane(0, 2000, 3)],
  },
  "mixed-four": {
    description:
      "Four targets in one incident: 127.0.0.2:9000 closes idle at 500 ms (FIN), 127.0.0.3:9000 at 3 s (RST), 127.0.0.6:7000 keeps 60 s but hangs up (FIN) on 8 % of /items, 127.0.0.4:9009 refuses; log level warn.",
    durationS: 60,
    gateway: gw({ keepAliveTimeout: 30000, level: "warn" }),
    targets: [
      target({ latency: { upMs: 12, downMs: 15 }, backend: { idleMs: 500 } }),
      target({
        ...proxyAt("catalog", "127.0.0.3:9000"),
        latency: { upMs: 25, downMs: 22 },
        backend: { idleMs: 3000, idleClose: "rst" },
      }),
      target({
        ...proxyAt("billing", "127.0.0.6:7000"),
        latency: { upMs: 18, downMs: 18 },
        backend: {
          idleMs: 60000,
          hangup: { prefix: "/items", share: 0.08, close: "fin" },
        },
      }),
      target({
        ...proxyAt("legacy", "127.0.0.4:9009"),
        relay: false,
        backend: null,
      }),
    ],
    lanes: [
      raceLane(0, 500, 3),
      raceLane(0, 500, 2),
      raceLane(1, 3000, 3),
      scatterLane(2, ["items/1", "items/2", "stock"], 2),
      { ...scatterLane(3, ["v1/orders"], 1), gaps: [{ p: 1, min: 1500, max: 4000 }] },
    ],
  },
  "target-502": answersOnItems(
    "Target keeps idle connections 60 s and never hangs up, but answers HTTP 502 itself on 20 % of /orders/items requests (its own upstream failing).",
    30,
    { status: { prefix: "/items", share: 0.2, code: 502 } },
  ),
  "both-trace": {
    description:
      "Like both (idle close at 1.2 s, FIN; hang-ups on 10 % of /items), logged at level trace: every error line is followed by its stack trace, every other event by an empty line.",
    durationS: 40,
    gateway: gw({ keepAliveTimeout: 30000, level: "trace" }),
    targets: [
      target({
        latency: { upMs: 19, downMs: 23 },
        backend: { idleMs: 1200, hangup: { prefix: "/items", share: 0.1, close: "fin" } },
      }),
    ],
    lanes: [raceLane(0, 1200, 2, { nearP: 0.45, longP: 0.3 }), scatterLane(0, ["items/1", "items/2"], 1)],
  },
  // A target whose SYNs vanish (a firewall that drops, a host that is gone): the address is routed out of a
  // veth whose far end never answers (scripts/lab/net.mjs), so recordings with `net` run in a network namespace.
  blackhole: blackholeWorld({
    description:
      "Proxy edgemicro_legacy points at 10.9.9.2:9009, whose SYNs are dropped on the way (no SYN-ACK, no RST); request_timeout 3 s, so each request there ends in a 504. edgemicro_orders is healthy.",
    synRetries: 6,
    requestTimeout: 3,
  }),
  "blackhole-connect": blackholeWorld({
    description:
      "Like blackhole, but no request_timeout: the kernel gives up the connect after its SYN retries (net.ipv4.tcp_syn_retries 1 in the namespace, ≈ 3 s), so the gateway logs 502 connect ETIMEDOUT.",
    synRetries: 1,
    requestTimeout: null,
  }),
  "dns-nxdomain": dnsWorld({
    description:
      "Proxy edgemicro_legacy points at legacy-orders.invalid:9009, a name the resolver answers NXDOMAIN for (a stub on the namespace's resolver address); edgemicro_orders is healthy.",
    dns: "nxdomain",
  }),
  "dns-unreachable": dnsWorld({
    description:
      "Proxy edgemicro_legacy points at legacy-orders.invalid:9009, and the resolver of /etc/resolv.conf cannot be reached (no route in the namespace), so no lookup gets an answer; edgemicro_orders is healthy.",
    dns: "unreachable",
  }),
  // https targets: the backend speaks TLS with a certificate made for the recording (openssl, in .scratch). The
  // gateway trusts only the default CAs, plus a target's own certificate when `trusted` (targets[].ssl.client.ca, a file).
  "tls-self-signed": tlsWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443 whose certificate is self-signed (CN and SAN 127.0.0.3) and not trusted by the gateway; edgemicro_orders is healthy (http).",
    { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: false },
  ),
  "tls-hostname": tlsWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443; the gateway trusts its certificate (targets[].ssl.client.ca), but the certificate is for wrong-host.example (SAN DNS:wrong-host.example), not 127.0.0.3; edgemicro_orders is healthy (http).",
    { cn: "wrong-host.example", san: "DNS:wrong-host.example", trusted: true },
  ),
  "mid-response-fin": midResponseWorld(
    "fin",
    "Target keeps idle connections 60 s, but on 25 % of /orders/items requests sends the status line, headers (Content-Length 1.9 kB) and 400 body bytes, then closes with FIN: the response is cut short. The client gives up after 3 s (the gateway never ends such a response).",
  ),
  "mid-response-rst": midResponseWorld(
    "rst",
    "Like mid-response-fin, but the target resets (RST) after the 400 body bytes.",
  ),
  "mixed-causes": {
    description:
      "Three causes in one incident: 127.0.0.2:9000 answers HTTP 502 itself on 30 % of /orders/items (its own upstream failing), 127.0.0.5:8080 closes idle connections after 1 s (FIN, races), https://127.0.0.3:9443 presents a self-signed certificate.",
    durationS: 45,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({
        latency: { upMs: 20, downMs: 20 },
        backend: { idleMs: 60000, status: { prefix: "/items", share: 0.3, code: 502 } },
      }),
      target({
        ...proxyAt("catalog", "127.0.0.5:8080"),
        latency: { upMs: 18, downMs: 21 },
        backend: { idleMs: 1000 },
      }),
      target({
        ...proxyAt("secure", "127.0.0.3:9443"),
        scheme: "https",
        latency: { upMs: 18, downMs: 18 },
        backend: { idleMs: 60000, tls: { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: false } },
      }),
    ],
    lanes: [
      scatterLane(0, ["items/1", "items/2", "stock"], 2),
      raceLane(1, 1000, 3),
      { ...scatterLane(2, ["v1/orders"], 1), gaps: [{ p: 1, min: 800, max: 2500 }] },
    ],
  },

  // Races over TLS: the capture shows only encrypted records, so the close is read from timing alone.
  "tls-old-protocol": tlsWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443, a target that speaks only TLS 1.0–1.1 (certificate trusted by the gateway): the gateway's Node offers TLS 1.2–1.3 only, and the target refuses every ClientHello with a protocol_version alert; edgemicro_orders is healthy (http).",
    { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: true, maxVersion: "TLSv1.1" },
  ),
  "tls-client-cert": tlsWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443 whose certificate the gateway trusts, but which requires a client certificate (mutual TLS) the gateway does not present: every handshake fails at the target; edgemicro_orders is healthy (http).",
    { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: true, requireClientCert: true },
  ),
  "tls-race-1s": tlsRaceWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443 (certificate trusted by the gateway) whose target closes connections idle for 1 s with a bare FIN (no close_notify, as Node's own servers do); the gateway's keep_alive_timeout is 30 s, so requests race the target's close. edgemicro_orders is healthy (http).",
    false,
  ),
  "tls-race-close-notify": tlsRaceWorld(
    "Like tls-race-1s, but the target sends TLS's close_notify alert before its FIN (as nginx does at its keepalive_timeout): an encrypted record arrives just before every idle close.",
    true,
  ),
  "tls12-race": tlsRaceWorld(
    "Like tls-race-close-notify, but the target speaks TLS 1.2 at most (an older server or load balancer): alerts are records of their own type, the handshake ends in handshake records, no session tickets after it.",
    true,
    "fin",
    "TLSv1.2",
  ),
  "tls-race-rst": tlsRaceWorld(
    "Like tls-race-1s, but the target resets (RST) connections idle for 1 s, with no close_notify (a load balancer's idle reset).",
    false,
    "rst",
  ),
  // The proxy url's scheme does not match what the target speaks (a common misconfiguration behind "socket hang up").
  "scheme-http-to-tls": tlsWorld(
    "Proxy edgemicro_secure points at http://127.0.0.3:9443, but the target there speaks TLS (certificate trusted by the gateway had it used https): every plain request meets a TLS server. edgemicro_orders is healthy (http).",
    { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: true },
    "http",
  ),
  "scheme-https-to-plain": tlsWorld(
    "Proxy edgemicro_secure points at https://127.0.0.3:9443, but the target there speaks plain HTTP: every TLS hello meets an HTTP server. edgemicro_orders is healthy (http).",
    null,
  ),
  "tls-premature": {
    description:
      "Proxy edgemicro_secure points at https://127.0.0.3:9443 (TLS 1.3, certificate trusted) whose target keeps idle connections 60 s but hangs up (FIN, no close_notify, no answer) on 25 % of /items requests. Each hang-up costs the gateway its socket, so many hang-ups fall on a new connection's first request, right after the target's session tickets. edgemicro_orders is healthy (http).",
    durationS: 35,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: plainAndSecure({
      idleMs: 60000,
      hangup: { prefix: "/items", share: 0.25, close: "fin" },
      tls: { cn: "127.0.0.3", san: "IP:127.0.0.3", trusted: true },
    }),
    lanes: [
      scatterLane(0, paths, 1),
      { ...scatterLane(1, ["items/1", "items/2", "stock"], 2), gaps: [{ p: 1, min: 100, max: 900 }] },
    ],
  },
  "malformed-response": answersOnItems(
    "Target keeps idle connections 60 s, but answers 20 % of /orders/items requests with the status line `HTTP/1.1 abc OK` (not valid HTTP: Node's parser rejects it) and the rest normally.",
    25,
    { malformed: { prefix: "/items", share: 0.2, statusLine: "HTTP/1.1 abc OK" } },
  ),
  "header-overflow": answersOnItems(
    "Target keeps idle connections 60 s, but answers 20 % of /orders/items requests with a 20 kB Set-Cookie header: valid HTTP, but a head over Node's 16 KiB limit, which the gateway's parser refuses (HPE_HEADER_OVERFLOW).",
    25,
    { bigHead: { prefix: "/items", share: 0.2, bytes: 20000 } },
  ),
  "invalid-headers": answersOnItems(
    "Target keeps idle connections 60 s, but answers 25 % of /orders/items requests with a head Node's parser refuses, four faults in turn: the same Content-Length twice, Content-Length beside Transfer-Encoding: chunked, a header name with spaces, lines ended by LF alone. tshark reads each as a valid 200.",
    30,
    {
      badHeader: {
        prefix: "/items",
        share: 0.25,
        kinds: ["duplicate-content-length", "content-length-and-chunked", "header-name-space", "bare-lf"],
      },
    },
  ),
  "close-after-response": {
    description:
      "Target closes every connection (FIN) 0–30 ms after a complete response, without a `Connection: close` header (an HTTP/1.0-style server or a badly configured load balancer); concurrent bursts with short gaps make the gateway reuse sockets the target is closing.",
    durationS: 10,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({
        latency: { upMs: 20, downMs: 20 },
        backend: { idleMs: 60000, closeAfter: [0, 30] },
      }),
    ],
    lanes: [
      {
        target: 0,
        paths,
        burst: 3,
        gaps: [
          { p: 0.7, min: 0, max: 60 },
          { p: 0.3, min: 100, max: 600 },
        ],
      },
      { target: 0, paths, burst: 2, gaps: [{ p: 1, min: 0, max: 80 }] },
    ],
  },
  "connection-close": {
    description:
      "Healthy negative control: the target sends `Connection: close` on every response and closes (FIN) right after it; the gateway opens a new connection for every request.",
    durationS: 10,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 60000, connectionClose: true } })],
    lanes: [
      {
        target: 0,
        paths,
        burst: 3,
        gaps: [
          { p: 0.7, min: 0, max: 60 },
          { p: 0.3, min: 100, max: 600 },
        ],
      },
      scatterLane(0, paths, 2),
    ],
  },
  "large-post": {
    description:
      "Target closes idle keep-alive connections after 1 s with RST (gateway keep-alive 30 s); half the requests are POSTs of 100 kB–1 MB, so some races happen while the gateway is writing a large body (the relay passes 4 MB/s toward the target, so a body is on the wire for up to ≈ 250 ms). The fixture's capture keeps 256 bytes of each packet (tcpdump -s 256).",
    durationS: 30,
    gateway: gw({ keepAliveTimeout: 30000 }),
    captureSnapLen: 256,
    // 4 MB/s toward the target: a 1 MB body takes ≈ 250 ms on the wire, so a reset can arrive while it is sent
    targets: [target({ latency: { upMs: 20, downMs: 20, upKBps: 4000 }, backend: { idleMs: 1000, idleClose: "rst" } })],
    lanes: [{ ...raceLane(0, 1000, 2), post: { share: 0.5, bytes: [100_000, 1_000_000] } }],
  },

  "client-abort": clientAbortWorld(
    "The gateway's client gives up after 1.5 s (its socket idle that long), and the target's /orders/report answers after 4.5 s; no request_timeout, level info. The target is healthy: nothing fails on the gateway↔target leg but what the client walked away from. Other paths are fast.",
    "info",
  ),
  "client-abort-error-level": clientAbortWorld(
    "Like client-abort (client gives up after 1.5 s, /orders/report answers after 4.5 s, no request_timeout), logged at level error.",
    "error",
  ),
  "client-abort-mixed": {
    description:
      "Client aborts beside a real keep-alive mismatch: 127.0.0.2:9000 closes idle connections after 1 s (FIN, races; gateway keep_alive_timeout 30 s); on 127.0.0.5:8080 the client gives up after 1.5 s on /catalog/report (answers after 5 s) and on half of its /catalog/upload POSTs (it stalls after 20 kB of 200 kB). No request_timeout, level info.",
    durationS: 35,
    clientTimeoutMs: 1500,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({ latency: { upMs: 20, downMs: 20 }, backend: { idleMs: 1000 } }),
      target({
        ...proxyAt("catalog", "127.0.0.5:8080"),
        latency: { upMs: 18, downMs: 21 },
        backend: { idleMs: 60000, slow: { prefix: "/report", delayMs: 5000 } },
      }),
    ],
    lanes: [
      raceLane(0, 1000, 3),
      scatterLane(1, ["items/1", "items/2", "stock"], 2),
      { ...scatterLane(1, ["report"], 1), gaps: [{ p: 1, min: 300, max: 2000 }] },
      {
        ...scatterLane(1, ["upload"], 1),
        gaps: [{ p: 1, min: 300, max: 2000 }],
        post: { share: 0.5, bytes: [200_000, 200_000], stallAfter: 20_000 },
      },
    ],
  },
  "client-abort-upload": clientUploadAbortWorld(
    "The gateway's client stalls in the middle of a POST body on half of its /orders/upload requests (it sends 20 kB of its announced 200 kB, then nothing) and gives up after 1.5 s; the gateway has already opened the target request and streams the body to the target. No request_timeout, level info. Other requests are fast.",
    "info",
  ),
  "client-abort-upload-error-level": clientUploadAbortWorld(
    "Like client-abort-upload (the client stalls mid-upload on half of /orders/upload and gives up after 1.5 s, no request_timeout), logged at level error.",
    "error",
  ),
  "client-abort-upload-timeout": clientUploadAbortWorld(
    "Like client-abort-upload (the client stalls mid-upload on half of /orders/upload and gives up after 1.5 s), with request_timeout 5 s: the gateway closes each of those target connections 1.5 s into the request, much sooner than its own timeout would. Level info.",
    "info",
    5,
  ),
  "client-abort-streaming": {
    description:
      "The target's /orders/export sends its head (Content-Length 1.9 kB) and 400 body bytes at once, the rest 5 s later; the gateway's client gives up after 1.5 s without a byte, in the middle of that response. No request_timeout, level info. Other paths are fast.",
    durationS: 30,
    clientTimeoutMs: 1500,
    gateway: gw({ keepAliveTimeout: 30000 }),
    targets: [
      target({
        latency: { upMs: 20, downMs: 20 },
        backend: { idleMs: 60000, drip: { prefix: "/export", bodyBytes: 400, restAfterMs: 5000 } },
      }),
    ],
    lanes: [scatterLane(0, paths, 2), { ...scatterLane(0, ["export"], 1), gaps: [{ p: 1, min: 300, max: 2000 }] }],
  },
  "timeout-streaming": {
    description:
      "The target's /orders/export sends its head (Content-Length 1.9 kB) and 400 body bytes at once, the rest 5 s later; the gateway's request_timeout is 2 s, a socket idle timer, so it fires in the middle of that response. The client waits 10 s. Level info. Other paths are fast.",
    durationS: 30,
    clientTimeoutMs: 10000,
    gateway: gw({ keepAliveTimeout: 30000, requestTimeout: 2 }),
    targets: [
      target({
        latency: { upMs: 20, downMs: 20 },
        backend: { idleMs: 60000, drip: { prefix: "/export", bodyBytes: 400, restAfterMs: 5000 } },
      }),
    ],
    lanes: [scatterLane(0, paths, 2), { ...scatterLane(0, ["export"], 1), gaps: [{ p: 1, min: 300, max: 2000 }] }],
  },
};

// Derived fixtures: a copy of a recorded scenario with its capture time-shifted.
export const derived = {
  "mixed-four-skew": {
    from: "mixed-four",
    shiftS: -95.25,
    description:
      "mixed-four with capture.pcap shifted by editcap -t -95.25 (capture clock 95.25 s behind the log clock, longer than the whole recording).",
  },
  "clock-skew": {
    from: "race-1s",
    shiftS: 7.5,
    description: "race-1s with capture.pcap shifted by editcap -t 7.5 (capture clock 7.5 s ahead of the log clock).",
  },
};
