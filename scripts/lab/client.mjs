// Drives traffic through the gateway. Each lane of the scenario loops until the deadline:
// a burst of 1..burst concurrent requests, then a gap drawn from the lane's gap mixture.
// Client→gateway connections are not pooled (one per request): that leg is not under study. The client gives up
// on a request after the lane's or else the scenario's clientTimeoutMs (30 s unless set): a response the gateway never ends hangs until then.
// Node's client says `Connection: close` on an unpooled request, and the gateway passes the header on to the target,
// which the lab's own backend ignores but a real server honours (it closes after answering: no socket to reuse). With
// the scenario's `clientKeepAlive` each request says `Connection: keep-alive`, as pooling clients do, and the client
// closes its connection after the response itself.
import http from "node:http";
import fs from "node:fs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (arr) => arr[Math.floor(Math.random() * arr.length)];

function drawGap(gaps) {
  let x = Math.random();
  for (const g of gaps) {
    if ((x -= g.p) <= 0 || g === gaps[gaps.length - 1]) {
      if (g.near != null) return { kind: "near", ms: g.near + g.from + Math.random() * (g.to - g.from) };
      return { kind: "range", ms: g.min + Math.random() * (g.max - g.min) };
    }
  }
}

// A lane's `post: {share, bytes: [min, max]}` makes that share of its requests POSTs with a body of that many bytes.
// With `post.stallAfter` only that many bytes of each body are written, and the request never ends: the client stalls in
// the middle of its upload and gives up after its timeout.
function send(port, urlPath, timeoutMs, body = null, stallAfter = null, keepAlive = false) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let head = null;
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: urlPath,
        method: body ? "POST" : "GET",
        headers: {
          "x-api-key": "lab-client",
          accept: "application/json",
          ...(keepAlive ? { connection: "keep-alive" } : {}),
          ...(body ? { "content-type": "application/octet-stream", "content-length": body.length } : {}),
        },
        agent: false,
      },
      (res) => {
        head = res.statusCode;
        res.resume();
        res.on("end", () => {
          if (keepAlive) conn?.destroy();
          resolve({ status: res.statusCode, ms: Date.now() - t0 });
        });
        // The gateway's side closed in the middle of the response (its process died): neither `end` nor a request
        // error comes. Not a client that gave up (the truth reads only `client timeout` so).
        res.on("close", () => {
          if (!res.complete)
            resolve({ status: 0, error: "response aborted", ms: Date.now() - t0, headStatus: res.statusCode });
        });
      },
    );
    let conn = null;
    req.on("socket", (sock) => (conn = sock));
    // the socket's inactivity timeout: no byte for timeoutMs, before or in the middle of the response. The result's
    // `t` (written when this resolves) is when the client gave up and closed its connection to the gateway;
    // `headStatus` the status of a response that had begun
    req.setTimeout(timeoutMs, () => req.destroy(new Error("client timeout")));
    req.on("error", (e) =>
      resolve({ status: 0, error: e.code || e.message, ms: Date.now() - t0, ...(head ? { headStatus: head } : {}) }),
    );
    if (body && stallAfter != null) req.write(body.subarray(0, stallAfter));
    else req.end(body ?? undefined);
  });
}

export async function runClient(sc, gatewayPort, durationMs, resultsFile) {
  const deadline = Date.now() + durationMs;
  let n = 0;
  const lane = async (L, li) => {
    const t = sc.targets[L.target];
    await sleep(li * 137); // lanes start apart
    while (Date.now() < deadline) {
      const k = 1 + Math.floor(Math.random() * L.burst);
      const reqs = [];
      for (let i = 0; i < k; i++) {
        const p = `${t.basePath}/${pick(L.paths)}?n=${++n}`;
        const body =
          L.post && Math.random() < L.post.share
            ? Buffer.alloc(Math.round(L.post.bytes[0] + Math.random() * (L.post.bytes[1] - L.post.bytes[0])), 0x61)
            : null;
        reqs.push(
          send(
            gatewayPort,
            p,
            L.clientTimeoutMs ?? sc.clientTimeoutMs ?? 30000,
            body,
            L.post?.stallAfter,
            sc.clientKeepAlive,
          ).then((r) => {
            const sent = body
              ? {
                  method: "POST",
                  bytes: body.length,
                  ...(L.post.stallAfter != null ? { sentBytes: L.post.stallAfter } : {}),
                }
              : {};
            fs.appendFileSync(resultsFile, JSON.stringify({ t: Date.now(), lane: li, path: p, ...sent, ...r }) + "\n");
          }),
        );
      }
      await Promise.all(reqs);
      const gap = drawGap(L.gaps);
      if (Date.now() + gap.ms > deadline) break;
      await sleep(gap.ms);
    }
  };
  await Promise.all(sc.lanes.map(lane));
}
