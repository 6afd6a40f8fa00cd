// A small HTTP/1.1 target on a raw `net` server, so FIN vs RST and every header are under control.
//
// Knobs (see scenarios.mjs): idleMs (keep-alive idle timeout; the timer restarts on each byte
// read or written), idleClose 'fin' | 'rst', keepAliveHint (seconds, or null for no header),
// hangup {prefix, share, close} (on such a request wait 20–60 ms, then close without answering),
// slow {prefix, delayMs}, status {prefix, share, code} (answer that HTTP status itself, keep-alive),
// respMs [min, max] normal response time, truncate {prefix, share, close, bodyBytes} (on such a request
// send the status line, the headers with the full Content-Length and only the first bodyBytes of the body,
// then close: FIN or RST, the way a target that crashes mid-response does), tls {key, cert, closeNotify} (PEM file
// paths: an https target; the handshake's outcome is the gateway's to decide; closeNotify: a FIN close sends TLS's
// close_notify alert first, as nginx does, instead of a bare close(2) as Node's own servers do; requireClientCert:
// mutual TLS, a handshake without the client's certificate fails; maxVersion: e.g. "TLSv1.2", an older target; "TLSv1.1" also lets it speak TLS 1.0–1.1, which Node's
// clients no longer offer, so it refuses their hello with a protocol_version alert), malformed {prefix, share, statusLine}
// (answer such a request with that status line instead of a valid one, e.g. `HTTP/1.1 abc OK`: bytes Node's HTTP
// parser rejects), closeAfter [min, max] ms (close with FIN that long after every complete response, without saying
// `Connection: close`: an HTTP/1.0-style server or a badly configured load balancer), connectionClose (send
// `Connection: close` on every response and close right after it: the announced, healthy way), drip {prefix,
// bodyBytes, restAfterMs} (on such a request send the head with the full Content-Length and the first bodyBytes of a
// 1.9 kB body at once, the rest restAfterMs later: a response that streams slowly, which a client may give up on),
// bigHead {prefix, share, bytes} (answer such a request with a Set-Cookie header of that many bytes: valid HTTP, but a
// head larger than Node's 16 KiB limit is one the gateway's parser refuses), badHeader {prefix, share, kinds} (answer
// such a request with a head Node's parser refuses, the kinds taken in turn: "duplicate-content-length" (the same
// Content-Length twice, as a framework and a filter that both add it), "content-length-and-chunked" (a chunked body
// that also announces its Content-Length), "header-name-space" (`X Powered By: lab`), "bare-lf" (lines ended by LF
// alone)).
//
// nodeHttp: instead of all that, Node's own `http.createServer`, answering every request after respMs: the most common
// target there is, as it behaves, not as imitated. Its keepAliveTimeout is idleMs − 1 s: Node 20 announces
// `Keep-Alive: timeout=N` for it and closes an idle socket (close(2)) 1 s later than that, which the recording
// node-http-5s measured (keepAliveTimeout 5000: idle closes at 6.00 s), so idleMs stays the timer on the wire. It
// honours a request's `Connection: close` (see client.mjs, clientKeepAlive).
//
// nginx: nginx itself (Debian's package; `keepalive_timeout` idleMs, every request answered 200 at once), with its
// own FIN at that timer; it honours `Connection: close` too. Nothing is logged to the events file for it.
//
// Every close the backend itself decides is appended to `eventsFile` (JSON lines) as a cross-check
// for the tshark truth (the truth never reads it).
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import fs from "node:fs";

const between = ([a, b]) => a + Math.random() * (b - a);
export const HANGUP_DELAY_MS = [20, 60];
const REASON = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

// Bytes from `from` to the end of a chunked body (its last chunk and trailer included), or null while incomplete.
function chunkedLength(buf, from) {
  let i = from;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol < 0) return null;
    const size = parseInt(buf.slice(i, eol).split(";")[0], 16);
    if (!Number.isFinite(size)) return buf.length - from; // not chunked after all: take what is there
    if (size === 0) {
      // "0\r\n" then an optional trailer, then an empty line
      const end = buf.indexOf("\r\n\r\n", eol);
      return end < 0 ? null : end + 4 - from;
    }
    i = eol + 2 + size + 2;
    if (buf.length < i) return null;
  }
}

/** A response whose head Node's HTTP parser refuses (see badHeader above); everything else about it is valid. */
function badAnswer(kind, head, body) {
  const crlf = kind === "bare-lf" ? "\n" : "\r\n";
  if (kind === "duplicate-content-length") head.splice(3, 0, head[2]);
  if (kind === "header-name-space") head.push("X Powered By: lab");
  if (kind !== "content-length-and-chunked") return head.join(crlf) + crlf + crlf + body;
  head.push("Transfer-Encoding: chunked");
  return `${head.join(crlf)}${crlf}${crlf}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

export function startBackend(opts, eventsFile) {
  const log = (ev) =>
    fs.appendFileSync(
      eventsFile,
      JSON.stringify({ t: Date.now(), backend: `${opts.host}:${opts.port}`, ...ev }) + "\n",
    );
  if (opts.nodeHttp) return startNodeHttp(opts, log);
  if (opts.nginx) return startNginx(opts);
  const sockets = new Set();
  let badHeaders = 0;
  const onConnection = (sock) => {
    sockets.add(sock);
    const peer = sock.remotePort;
    let buf = "";
    let idle = null;
    let closed = false;
    let served = 0;
    const close = (how, reason) => {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      // partial: part of a request (a body its client stalled) was read, so the close comes after a request began
      log({ ev: "close", peerPort: peer, how, reason, served, ...(buf.length ? { partial: true } : {}) });
      if (how === "rst") (sock.raw ?? sock).resetAndDestroy();
      // nginx-style TLS close: a close_notify alert, then close(2) once it is written
      else if (opts.tls?.closeNotify) sock.end(() => sock.destroy());
      else sock.destroy(); // close(2): FIN now, RST for anything that arrives later
    };
    const touch = () => {
      clearTimeout(idle);
      if (!closed) idle = setTimeout(() => close(opts.idleClose, "idle"), opts.idleMs);
    };
    const respond = (path, cut = null, drip = null) => {
      if (closed) return;
      const own = opts.status && path.startsWith(opts.status.prefix) && Math.random() < opts.status.share;
      const bad = opts.malformed && path.startsWith(opts.malformed.prefix) && Math.random() < opts.malformed.share;
      const body = own
        ? JSON.stringify({ error: "upstream unavailable" })
        : cut || drip
          ? JSON.stringify({
              path,
              ok: true,
              items: Array.from({ length: 60 }, (_, i) => ({ id: i, name: `item ${i}` })),
            })
          : JSON.stringify({ path, ok: true, at: new Date().toISOString() });
      const head = [
        bad
          ? opts.malformed.statusLine
          : own
            ? `HTTP/1.1 ${opts.status.code} ${REASON[opts.status.code] ?? "Error"}`
            : "HTTP/1.1 200 OK",
        "Content-Type: application/json",
        `Content-Length: ${Buffer.byteLength(body)}`,
        `Date: ${new Date().toUTCString()}`,
        opts.connectionClose ? "Connection: close" : "Connection: keep-alive",
      ];
      if (bad) log({ ev: "malformed", peerPort: peer, path, statusLine: opts.malformed.statusLine });
      const big = opts.bigHead && path.startsWith(opts.bigHead.prefix) && Math.random() < opts.bigHead.share;
      if (big) {
        head.push(`Set-Cookie: session=${"c".repeat(opts.bigHead.bytes)}; Path=/`);
        log({ ev: "big-head", peerPort: peer, path, bytes: opts.bigHead.bytes });
      }
      if (opts.keepAliveHint != null) head.push(`Keep-Alive: timeout=${opts.keepAliveHint}`);
      const fault =
        opts.badHeader && path.startsWith(opts.badHeader.prefix) && Math.random() < opts.badHeader.share
          ? opts.badHeader.kinds[badHeaders++ % opts.badHeader.kinds.length]
          : null;
      if (fault) {
        log({ ev: "bad-header", peerPort: peer, path, kind: fault });
        sock.write(badAnswer(fault, head, body));
        served++;
        touch();
        return;
      }
      if (cut) {
        // the head and part of the body, then the close: Content-Length is never reached
        sock.write(head.join("\r\n") + "\r\n\r\n" + body.slice(0, cut.bodyBytes));
        log({ ev: "truncate", peerPort: peer, path, sent: cut.bodyBytes, of: Buffer.byteLength(body) });
        setTimeout(() => close(cut.close, "truncate"), 5);
        return;
      }
      if (drip) {
        // the head and the first bytes now, the rest later: the idle timer runs from each byte written
        sock.write(head.join("\r\n") + "\r\n\r\n" + body.slice(0, drip.bodyBytes));
        touch();
        log({ ev: "drip", peerPort: peer, path, sent: drip.bodyBytes, of: Buffer.byteLength(body) });
        setTimeout(() => {
          if (closed) return;
          sock.write(body.slice(drip.bodyBytes));
          served++;
          touch();
        }, drip.restAfterMs);
        return;
      }
      sock.write(head.join("\r\n") + "\r\n\r\n" + body);
      served++;
      touch();
      if (opts.connectionClose) close("fin", "connection-close");
      else if (opts.closeAfter) setTimeout(() => close("fin", "after-response"), between(opts.closeAfter));
    };
    const onRequest = (method, path) => {
      log({ ev: "request", peerPort: peer, method, path });
      if (opts.hangup && path.startsWith(opts.hangup.prefix) && Math.random() < opts.hangup.share) {
        setTimeout(() => close(opts.hangup.close, "hangup"), between(HANGUP_DELAY_MS));
        return;
      }
      if (opts.slow && path.startsWith(opts.slow.prefix)) {
        setTimeout(() => respond(path), opts.slow.delayMs);
        return;
      }
      if (opts.drip && path.startsWith(opts.drip.prefix)) {
        setTimeout(() => respond(path, null, opts.drip), between(opts.respMs));
        return;
      }
      const cut =
        opts.truncate && path.startsWith(opts.truncate.prefix) && Math.random() < opts.truncate.share
          ? opts.truncate
          : null;
      setTimeout(() => respond(path, cut), between(opts.respMs));
    };
    sock.on("data", (chunk) => {
      touch();
      buf += chunk.toString("latin1");
      // bytes no request starts with (a TLS hello on a plain port): 400 and close, as Node's http server (llhttp) does
      if (!/^[A-Z]{0,16}( |$)/.test(buf.slice(0, 17))) {
        log({ ev: "bad-request", peerPort: peer, firstByte: buf.charCodeAt(0) });
        sock.write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        buf = "";
        close("fin", "bad-request");
        return;
      }
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) break;
        const head = buf.slice(0, end);
        let len;
        if (/transfer-encoding:\s*chunked/i.test(head)) {
          // the gateway streams a client's body it has no length for in chunks: the request ends at the 0-size chunk
          len = chunkedLength(buf, end + 4);
          if (len === null) break;
        } else {
          const m = /content-length:\s*(\d+)/i.exec(head);
          len = m ? Number(m[1]) : 0;
        }
        if (buf.length < end + 4 + len) break;
        buf = buf.slice(end + 4 + len);
        const [method, path] = head.split("\r\n")[0].split(" ");
        onRequest(method, path);
      }
    });
    sock.on("end", () => close("fin", "peer-fin"));
    sock.on("error", (e) => {
      if (!closed) {
        closed = true;
        clearTimeout(idle);
        log({ ev: "error", peerPort: peer, code: e.code });
      }
    });
    sock.on("close", () => {
      clearTimeout(idle);
      sockets.delete(sock);
    });
    touch();
  };
  // TLS over a plain TCP server's sockets, so an idle close can still reset the TCP connection (a TLSSocket made by
  // tls.createServer cannot: resetAndDestroy throws ERR_INVALID_HANDLE_TYPE on its handle).
  const context = opts.tls
    ? tls.createSecureContext({
        key: fs.readFileSync(opts.tls.key),
        cert: fs.readFileSync(opts.tls.cert),
        ...(opts.tls.maxVersion ? { maxVersion: opts.tls.maxVersion } : {}),
        ...(/^TLSv1(\.1)?$/.test(opts.tls.maxVersion ?? "") ? { minVersion: "TLSv1" } : {}),
      })
    : null;
  const server = net.createServer({ allowHalfOpen: false }, (raw) => {
    if (!context) return onConnection(raw);
    // requireClientCert: a target that insists on a client certificate (mutual TLS) the gateway does not present
    const mtls = opts.tls.requireClientCert ? { requestCert: true, rejectUnauthorized: true } : {};
    const sock = new tls.TLSSocket(raw, { isServer: true, secureContext: context, ...mtls });
    sock.raw = raw;
    let secured = false;
    // a handshake the gateway refused (its alert) never becomes a connection here
    sock.once("error", (e) => {
      if (!secured) log({ ev: "tls-error", peerPort: raw.remotePort, code: e.code ?? null, message: e.message });
      raw.destroy();
    });
    sock.once("secure", () => {
      secured = true;
      onConnection(sock);
    });
  });
  return listen(server, opts, sockets);
}

function startNodeHttp(opts, log) {
  const served = new WeakMap();
  const server = http.createServer((req, res) => {
    const peer = req.socket.remotePort;
    log({ ev: "request", peerPort: peer, method: req.method, path: req.url });
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        const body = JSON.stringify({ path: req.url, at: Date.now() });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body, () => served.set(req.socket, (served.get(req.socket) ?? 0) + 1));
      }, between(opts.respMs)),
    );
  });
  server.keepAliveTimeout = opts.idleMs - 1000;
  // What Node does when no one listens for 'timeout' (socketOnTimeout: destroy), with the close logged.
  server.on("timeout", (sock) => {
    log({ ev: "close", peerPort: sock.remotePort, how: "fin", reason: "idle", served: served.get(sock) ?? 0 });
    sock.destroy();
  });
  const sockets = new Set();
  server.on("connection", (sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
  });
  return listen(server, opts, sockets);
}

/** Listens at the target's backend address; `close` destroys the connections still open, then stops listening. */
function listen(server, opts, sockets) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () =>
      resolve({
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}

function startNginx(opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-nginx-"));
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    `worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  keepalive_timeout ${opts.idleMs}ms;
  server {
    listen ${opts.host}:${opts.port};
    location / { default_type application/json; return 200 '{"ok":true}\\n'; }
  }
}
`,
  );
  const proc = spawn("nginx", ["-p", dir, "-c", conf, "-g", "daemon off;"], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    proc.once("error", reject);
    // listening once nginx wrote its pid file
    const wait = setInterval(() => {
      if (!fs.existsSync(path.join(dir, "nginx.pid"))) return;
      clearInterval(wait);
      resolve({
        close: () =>
          new Promise((r) => {
            proc.once("exit", () => r());
            proc.kill("SIGTERM");
          }),
      });
    }, 50);
  });
}
