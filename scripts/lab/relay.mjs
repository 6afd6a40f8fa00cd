// Userspace TCP relay in front of a target, adding one-way latency in each direction (the kernel
// has no netem). It forwards data as data, a FIN as a FIN (half-close) and a RST as a RST, each
// after the direction's latency and in order. Like a load balancer, its kernel ACKs on the
// target's behalf.
//
// `latency.upKBps` (optional) caps the gateway → target direction's throughput: after each chunk the relay stops
// reading from the gateway for as long as the chunk takes at that rate, so TCP flow control holds a large request
// body back on the wire (what a slow link or a busy target does), and a close can meet it mid-body.
//
// Every pair is logged to `mapFile` (JSON lines): the gateway's port on the downstream leg and
// the relay's local port on the upstream leg, so connections can be followed across the relay.
import net from "node:net";
import fs from "node:fs";
import { performance } from "node:perf_hooks";

// A delay line: run fn after `ms`, in the order scheduled. One queue, not a timer per event: Node files timers by
// their duration, and two events a millisecond tick apart could get durations 9 and 8 and run reversed (blind world
// random-276: the target's FIN overtook its answer, and the gateway saw a close without a response).
export function delayLine(ms) {
  const queue = [];
  const run = () => {
    const now = performance.now();
    while (queue.length && queue[0].due <= now) queue.shift().fn();
    if (queue.length) setTimeout(run, queue[0].due - now);
  };
  return (fn) => {
    queue.push({ due: performance.now() + ms, fn });
    if (queue.length === 1) setTimeout(run, ms);
  };
}

export function startRelay({ listen, upstream, latency, mapFile }) {
  const pairs = new Set();
  const server = net.createServer({ allowHalfOpen: true }, (down) => {
    const toTarget = delayLine(latency.upMs);
    const toGateway = delayLine(latency.downMs);
    const up = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true });
    const pair = { down, up };
    pairs.add(pair);
    const gwPort = down.remotePort;
    up.on("connect", () => {
      fs.appendFileSync(
        mapFile,
        JSON.stringify({
          t: Date.now(),
          listen: `${listen.host}:${listen.port}`,
          gatewayAddr: down.remoteAddress,
          gatewayPort: gwPort,
          relayPort: up.localPort,
          upstream: `${upstream.host}:${upstream.port}`,
        }) + "\n",
      );
    });
    const alive = (s) => !s.destroyed;
    // gateway -> target
    down.on("data", (c) => {
      if (latency.upKBps) {
        down.pause();
        setTimeout(() => down.resume(), c.length / latency.upKBps);
      }
      toTarget(() => {
        if (alive(up)) up.write(c);
      });
    });
    down.on("end", () =>
      toTarget(() => {
        if (alive(up)) up.end();
      }),
    );
    down.on("error", () =>
      toTarget(() => {
        if (alive(up)) up.resetAndDestroy();
      }),
    );
    // target -> gateway
    up.on("data", (c) =>
      toGateway(() => {
        if (alive(down)) down.write(c);
      }),
    );
    up.on("end", () =>
      toGateway(() => {
        if (alive(down)) down.end();
      }),
    );
    up.on("error", () =>
      toGateway(() => {
        if (alive(down)) down.resetAndDestroy();
      }),
    );
    // Once both directions have ended cleanly, Node destroys each socket itself.
    const done = () => {
      if (down.destroyed && up.destroyed) pairs.delete(pair);
    };
    down.on("close", done);
    up.on("close", done);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () =>
      resolve({
        close: () =>
          new Promise((r) => {
            for (const { down, up } of pairs) {
              down.destroy();
              up.destroy();
            }
            server.close(() => r());
          }),
      }),
    );
  });
}
