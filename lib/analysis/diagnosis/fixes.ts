/**
 * The fix for one target and cause. What governs what (microgateway-core 3.3.x, lib/gateway.js and
 * lib/config-proxy-middleware.js): `edgemicro.keep_alive_timeout` sets the gateway's HTTP server
 * keepAliveTimeout, the idle timeout of client → gateway connections only; the gateway's sockets to a target
 * come from `new http.Agent({ maxSockets, keepAlive: true })`, with no idle timeout of its own, so they stay
 * pooled until the target closes them. Node's agent applies a target's `Keep-Alive: timeout=N` hint only when
 * it is shorter than the agent's own `timeout` option, which these agents do not set: the hint is ignored
 * (recorded in the lab: scripts/lab/README.md), except `timeout=1`, less the agent's 1 s buffer 0: then the agent
 * pools nothing at all. No gateway setting stops a target's idle close from racing a reuse.
 */
import type { DiagnosisEvidence, TargetCause, TargetEvidence, TargetVerdict } from "./types";
import type { Candidate } from "./candidate";
import { closesAfterEveryResponse, neverAnswers } from "./closes";
import { isParseError, onlyHeaderOverflow, sum } from "./codes";
import { rejectedOnWire } from "./parser-rejected";
import { EPROTO_ALERT, EPROTO_NOT_TLS } from "@/lib/analysis/log-aggregates";

const ms = (n: number) => (n >= 1000 ? `${+(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

/** The config file that runs (ORG-ENV-config.yaml), as uploaded; the template's name only when it is all there is. */
export const configName = (e: DiagnosisEvidence) => e.config?.fileName ?? "~/.edgemicro/ORG-ENV-config.yaml";

export const KEEP_ALIVE_SCOPE =
  "edgemicro.keep_alive_timeout is the gateway's idle timeout toward its clients (client → gateway) only. The gateway's sockets to the target are pooled by a keep-alive agent with no idle timeout of its own: they stay open until the target closes them.";

export function fixFor(
  cause: TargetCause,
  t: TargetEvidence,
  e: DiagnosisEvidence,
  idleMs: number | null,
): TargetVerdict["fix"] {
  const cfg = configName(e);
  const gw = e.config?.present ? (e.config.keepAliveTimeoutMs ?? 5000) : null;
  switch (cause) {
    case "keepalive-mismatch":
    case "both": {
      const idle = idleMs !== null ? ms(idleMs) : "its idle timeout";
      const longer = Math.max(gw ?? 0, 60_000) + 5000;
      // A target that closes right after every response runs no idle timer worth raising: it must announce the close.
      if (closesAfterEveryResponse(t.capture?.profile))
        return {
          title: `Make ${t.target} keep connections open, or say Connection: close`,
          snippet: `# from the gateway host: does the target announce its close? (look for "Connection: close" in the response)\ncurl -sv --http1.1 http://${t.target}/<path> -o /dev/null`,
          notes: [
            `${t.target} answered no second request on any connection: it closes each one${idleMs !== null ? ` ≈ ${ms(idleMs)}` : ""} after its response, without a \`Connection: close\` header. The gateway's keep-alive agent then pools the socket and reuses it while the close is on its way, and that request dies (socket hang up / ECONNRESET).`,
            "Either make the target (or the load balancer in front of it) keep HTTP/1.1 connections open, with an idle timeout well above the gateway's traffic gaps, or have it send `Connection: close` on every response it closes after: Node's agent then opens a new connection for the next request instead of reusing one being closed.",
            KEEP_ALIVE_SCOPE,
          ],
        };
      const notes = [
        KEEP_ALIVE_SCOPE,
        `So the fix is at ${t.target}: it closes idle sockets after ${idle}, and a request the gateway sends on a pooled socket at that moment dies. Raise the target's idle (keep-alive) timeout well above the gateway's keep_alive_timeout${gw !== null ? ` (${ms(gw)} in ${cfg})` : ""} and above the idle gaps of your traffic, as the guide's order client/LB < gateway < target asks: the longer it is, the fewer pooled sockets ever sit idle that long.`,
        "A `Keep-Alive: timeout=N` header from the target does not help here: microgateway-core's target agents set no timeout of their own, and Node.js then ignores the hint (only `timeout=1` is heeded, and it turns pooling off: a new connection for every request).",
        "Changing keep_alive_timeout in the gateway config does not help; OS TCP keep-alive does not either. If the target's timeout cannot change, retrying idempotent requests on ECONNRESET (a custom plugin) hides the remaining races.",
        ...(cause === "both"
          ? ["The premature closes are a second problem: see the target's logs at the times of those connections."]
          : []),
      ];
      return {
        title: `Make ${t.target} keep idle sockets open longer than the gateway does`,
        snippet: [
          `# On ${t.target} (examples; idle timeout now ≈ ${idle})`,
          `# Node.js:  server.keepAliveTimeout = ${longer}; server.headersTimeout = ${longer + 1000};`,
          `# nginx:    keepalive_timeout ${longer / 1000}s;`,
          `# Apache:   KeepAliveTimeout ${longer / 1000}`,
          `# a load balancer in front of the target: its idle timeout ≥ ${longer / 1000} s`,
        ].join("\n"),
        notes,
      };
    }
    case "premature-close": {
      const paths = Object.keys(t.capture?.prematurePaths ?? {}).slice(0, 5);
      return {
        title: `Find why ${t.target} closes connections without answering`,
        snippet: `# on ${t.target}, around the times of the 502s${paths.length ? ` (requests: ${paths.join(", ")})` : ""}:\ngrep -iE "reset|closed|abort|timeout|too large|killed|restart|worker" /path/to/target/logs/*`,
        notes: [
          `The target received the request${paths.length ? ` (most often ${paths[0]})` : ""} and closed the connection without any response byte: look for request-size or header limits, crashes, worker restarts, or a proxy/load balancer in front of it timing out.`,
          "Nothing in the gateway config causes this: changing keep_alive_timeout will not help.",
          ...(t.capture && neverAnswers(t.capture)
            ? [
                `${t.target} answered none of the requests in the capture: compare the proxy's url (scheme and port) with what listens there. A TLS port behind an http:// url closes on every request at once (\`openssl s_client -connect ${t.target}\` shows whether it speaks TLS).`,
              ]
            : []),
        ],
      };
    }
    case "target-unreachable": {
      const port = t.target.slice(t.target.lastIndexOf(":") + 1);
      return {
        title: `Make ${t.target} reachable from the gateway host`,
        snippet: `# from the gateway host:\ncurl -sv http://${t.target}/ -o /dev/null\n# and check the proxy's url in ${cfg} (proxies[].url)`,
        notes: [
          `Check that the target runs and listens on port ${port}, that its host name resolves from the gateway host, and that no firewall or security group refuses the connection.`,
        ],
      };
    }
    case "gateway-timeout": {
      const rt = e.config?.requestTimeoutS;
      return {
        title: `Find why ${t.target} answers slower than the gateway waits`,
        snippet: `# ${cfg}\nedgemicro:\n  request_timeout: ${rt ?? "N"}   # seconds; raise only if slow answers are expected`,
        notes: [
          `The gateway gave up waiting${rt ? ` after request_timeout = ${rt} s` : ""} (504, ETIMEDOUT, or an answer cut in the middle of a pause, with no 502): find the slow endpoint on the target; a proxy's own timeout in proxies[] overrides request_timeout.`,
          ...(t.capture
            ? []
            : [
                "The log alone cannot tell a slow answer from a connection that never opened (SYNs dropped by a firewall or a host that is gone end in the same 504): a capture of this target shows which.",
              ]),
        ],
      };
    }
    case "tls-error": {
      // Where the handshake ended: the capture shows it, and so does the log's EPROTO message (log-aggregates.ts);
      // a bare EPROTO (an incident parsed before the message was read) may be either.
      const how = t.capture?.tlsFailures ?? {};
      const refused = how["hello-refused"] || t.errorCodes[EPROTO_ALERT];
      const notTls = how["not-tls"] || t.errorCodes[EPROTO_NOT_TLS] || (t.errorCodes.EPROTO && !refused);
      return {
        title: `Fix TLS between the gateway and ${t.target}`,
        snippet: `# from the gateway host:\nopenssl s_client -connect ${t.target} -servername ${t.target.replace(/:\d+$/, "").replace(/^\[|\]$/g, "")} </dev/null`,
        notes: [
          `Check the target's certificate chain and host name, and the client TLS options under targets[].ssl.client in ${cfg}.`,
          ...(refused
            ? [
                "The target refused the gateway's TLS hello with an alert: they share no protocol version or cipher suite (the gateway's Node.js offers TLS 1.2 and 1.3 only; a target speaking only TLS 1.0 / 1.1 refuses it: enable TLS 1.2 or later on it), or it rejects the server name. `openssl s_client -tls1_2` against it shows which.",
              ]
            : []),
          ...(notTls
            ? [
                "EPROTO with `wrong version number` in the log means the target answered the gateway's TLS hello with something else, usually plain HTTP: the proxy's url must then say http://.",
              ]
            : []),
        ],
      };
    }
    case "target-error":
      if (answersInvalidHttp(t, e) && onlyHeaderOverflow(t.errorCodes))
        return {
          title: `Shrink ${t.target}'s response headers, or raise the gateway's header limit`,
          snippet: `# from the gateway host, one of the failing requests straight to the target (the size of its headers):
curl -s --http1.1 -D - -o /dev/null http://${t.target}/<path> | wc -c
# or let the gateway read larger heads (Node's default is 16 KiB), then restart it:
export NODE_OPTIONS=--max-http-header-size=32768`,
          notes: [
            `The target answered with a head (status line and headers) larger than the gateway's Node.js accepts, HPE_HEADER_OVERFLOW: the reason phrase and the headers' names and values may come to 16 KiB by default. The response is valid HTTP; the gateway answered 502 all the same.`,
            "Large Set-Cookie headers and headers that echo tokens are the usual cause. Have the target send less, or start the gateway with a larger --max-http-header-size (in NODE_OPTIONS, for every worker) if such heads are expected.",
          ],
        };
      if (answersInvalidHttp(t, e))
        return {
          title: `Find why ${t.target} answers with bytes that are not valid HTTP`,
          snippet: `# from the gateway host, one of the failing requests straight to the target (the raw status line and headers):\ncurl -sv --http1.1 http://${t.target}/<path> -o /dev/null`,
          notes: [
            `The gateway's HTTP parser (Node.js) rejected the target's response${parseCodesNamed(t)} and answered 502. Node refuses what many clients and tools accept: HPE_INVALID_STATUS (a status code that is not three digits), HPE_INVALID_HEADER_TOKEN (a header name with spaces or other characters outside a token, or a control character in a value), HPE_CR_EXPECTED (lines ended by LF alone), HPE_UNEXPECTED_CONTENT_LENGTH (Content-Length twice, even with one value), HPE_INVALID_TRANSFER_ENCODING or HPE_INVALID_CONTENT_LENGTH (Content-Length beside Transfer-Encoding, or not a number), HPE_INVALID_CONSTANT (not HTTP at all, e.g. TLS or another protocol on that port), HPE_HEADER_OVERFLOW (over 16 KiB of header names and values). In a capture, each refused answer's connection names its fault.`,
            "Its TCP connections to the target are fine. Fix the target, or whatever answers at its address (a load balancer, a proxy); if the target speaks https, the proxy's target url must say https.",
            "As a stopgap only: a gateway started with NODE_OPTIONS=--insecure-http-parser accepts Content-Length beside Transfer-Encoding, control characters in values and bare LFs (measured on Node 20), not a duplicate Content-Length or a bad header name. It also leaves the gateway open to request smuggling.",
          ],
        };
      return {
        title: `Find why ${t.target} answers 502 / 504 itself`,
        snippet: `# from the gateway host, one of the failing requests straight to the target:\ncurl -sv http://${t.target}/<path> -o /dev/null`,
        notes: [
          "The gateway passed the target's own error response on: its connections to the target are fine, and no gateway setting changes this.",
          "Look at the target's logs at the times of the 502s and at whatever answers on its behalf (its own upstream, or a load balancer or proxy in front of it that answers 502 / 504).",
        ],
      };
    default:
      return null;
  }
}

/** The log's parser codes for the target, as ` (HPE_…, HPE_…)`, or nothing. */
function parseCodesNamed(t: TargetEvidence): string {
  const codes = Object.keys(t.errorCodes).filter(isParseError);
  return codes.length ? ` (${codes.join(", ")})` : "";
}

/** The target's failures are answers Node's HTTP parser rejected (HPE_* in the log, or such status lines on the wire). */
function answersInvalidHttp(t: TargetEvidence, e: DiagnosisEvidence): boolean {
  const invalid = sum(t.errorCodes, isParseError) + rejectedOnWire(t, e.logs.present);
  const own = t.targetAnswered502 + t.targetAnswered504;
  return invalid > own;
}

/** A candidate as the target's verdict, with its fix. */
export function verdictOf(t: TargetEvidence, e: DiagnosisEvidence, c: Candidate): TargetVerdict {
  const races = c.cause === "keepalive-mismatch" || c.cause === "both";
  const idleTimeoutMs = races ? (t.capture?.profile?.cluster?.ms ?? null) : null;
  return {
    target: t.target,
    proxy: t.proxy,
    cause: c.cause,
    confidence: c.confidence,
    explains502: c.explains,
    idleTimeoutMs,
    summary: c.summary,
    evidence: c.evidence,
    fix: fixFor(c.cause, t, e, idleTimeoutMs),
  };
}
