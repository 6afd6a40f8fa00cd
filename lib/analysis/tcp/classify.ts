/** Failure-shape classification of one connection, judged in its target's context (docs/formats.md §3). */
import {
  closedBeforeSeeing,
  clusterTolerance,
  MIN_SUPPORT,
  crossingClose,
  endpointLabel,
  hadTimeToAnswer,
  TargetProfiler,
  type TargetProfile,
} from "./profile";
import type { Connection, HttpExchange } from "./types";

export type ConnectionCode =
  | "normal"
  | "keepalive-race"
  | "premature-close"
  | "target-reset-mid-response"
  | "tls-handshake-failed"
  | "refused"
  | "syn-unanswered"
  | "gateway-close"
  | "unknown";

/**
 * How a race was recognised: its quiet time matches the target's idle timer; it came after that timer on a request
 * sent too late to reach the target before the timer fired (`after-timer`: the close was held up on its way); or
 * timing alone.
 */
export type RaceEvidence = "idle-timer" | "after-timer" | "timing";
/**
 * How a premature close was recognised: on a new connection (no idle timer was running), after the target had
 * time enough to answer, quick but at no idle timer among several such closes, or only by missing the idle
 * timer (`off-timer`: sooner than the target answers, later than a race would be; the weak kind, since a
 * race delayed on its way to the capture looks the same).
 */
export type PrematureEvidence = "new-connection" | "answer-time" | "no-timer" | "off-timer";
/**
 * Which side ended a TLS handshake, and where: the gateway after the target's hello (its certificate, host name), the
 * target with an alert to the ClientHello (versions, ciphers, server name) or to the gateway's Finished (a client
 * certificate), the target closing on the hello without a word, or a target that does not speak TLS (plain HTTP).
 */
export type TlsFailure = "gateway-rejected" | "hello-refused" | "hello-closed" | "finished-rejected" | "not-tls";
export interface Classification {
  code: ConnectionCode;
  reason: string;
  race?: RaceEvidence;
  premature?: PrematureEvidence;
  tls?: TlsFailure;
}

const ms = (us: number) => Math.round(us / 1000);
const sec = (msv: number) => (msv / 1000).toFixed(2);
const reqName = (e: HttpExchange) => `${e.method ?? "?"} ${e.path ?? "?"}`;
const f1 = (v: number) => v.toFixed(1);

/**
 * How long a capture must go on after a lone SYN for its silence to be an answer: the kernel sends a SYN again after 1 s
 * (Linux, macOS; 3 s on Windows), and a live target's SYN-ACK or RST comes within a round trip.
 */
export const SYN_SILENCE_US = 3_000_000;

/**
 * Classifies a connection; a close crossing a request is judged against its target's profile (absent: this connection
 * alone). `captureEndUs`: the capture's last packet so far, to tell a SYN the capture ended on from one never answered.
 */
export function classifyConnection(c: Connection, profile?: TargetProfile, captureEndUs?: number): Classification {
  const n = c.exchanges.length;
  const last: HttpExchange | undefined = c.exchanges[n - 1];
  if (c.connState === "REJ") {
    return {
      code: "refused",
      reason: `The target answered the SYN at frame ${c.firstFrame} with RST: connection refused.`,
    };
  }
  if (c.connState === "S0") {
    // Sent again after the kernel's retransmission timeout (1 s at first) and still nothing: dropped on the way
    // (a firewall, a host that is gone). A lone SYN may only have met the end of the capture; one the capture went on
    // seconds past was given up by the gateway before it was due again (its process ended, or the request was
    // aborted), and nothing came back either (blind world random-1152: a SYN to a dropping host 0.8 s before the
    // gateway was killed, the capture 47 s longer).
    if (c.packetsG2T >= 2 && c.packetsT2G === 0)
      return {
        code: "syn-unanswered",
        reason: `The gateway sent its SYN ${c.packetsG2T} times from frame ${c.firstFrame} over ${ms(c.endUs - c.startUs)} ms and nothing came back: no SYN-ACK, no RST.`,
      };
    const silentUs = captureEndUs === undefined ? 0 : captureEndUs - c.endUs;
    if (c.packetsT2G === 0 && silentUs >= SYN_SILENCE_US)
      return {
        code: "syn-unanswered",
        reason: `The SYN at frame ${c.firstFrame} was never answered: the capture went on ${ms(silentUs)} ms after it and nothing came back, no SYN-ACK, no RST (the gateway gave the connect up before sending it again: its process ended, or the request was aborted).`,
      };
    return {
      code: "unknown",
      reason: `The SYN at frame ${c.firstFrame} was never answered${captureEndUs === undefined ? "" : `, but the capture ended ${ms(silentUs)} ms after it: an answer may have come later`}.`,
    };
  }
  // A TLS client that accepts the server's flight always answers it (Finished, key exchange) before any request; one
  // that rejects it (certificate, host name, protocol) sends nothing more, or an alert, and closes. A server that
  // rejects the ClientHello closes without a flight.
  if (c.tls && c.closer !== null && !c.tlsContinued && (c.bytesT2G > 0 || c.closer === "target"))
    return tlsNotCompleted(c);
  if (c.tlsRejectedAfterFinished) {
    return {
      code: "tls-handshake-failed",
      tls: "finished-rejected",
      reason: `TLS handshake rejected by the target: it answered the gateway's Finished with an alert at frame ${c.closeFrame} and closed, without a session ticket or any answer. A TLS 1.3 server checks a client certificate there: it requires one the gateway did not present, or rejected it. The gateway's log names the alert.`,
    };
  }
  // Bytes the target sent after the last request that the capture never saw may be its answer: nothing tells whether
  // it answered, so neither a close without an answer nor a cut answer can be judged (a capture with 2–5 % of its
  // frames dropped read the lab's races and idle closes as premature closes, at high).
  if (last && !last.complete && last.reqTsUs !== null) {
    const lostAnswer = c.targetLostUs != null && c.targetLostUs >= last.reqTsUs;
    if (lostAnswer || (c.gatewayLostUs != null && c.gatewayLostUs <= (c.closeUs ?? c.endUs)))
      return {
        code: "unknown",
        reason: `The capture lost bytes the ${lostAnswer ? `target sent after ${reqName(last)} (frame ${last.reqFrame}): the gateway's ACKs, or the sequence number of the target's close, are past the bytes captured, so its answer may be among them` : `gateway sent (the target's ACKs are past them): a request lost whole pairs each later answer with the request before its own, so which request went unanswered`}, and whether it answered cannot be told. tcpdump drops packets when its buffer fills (a busy host): capture with a larger buffer (-B 16384), or a narrower filter.`,
      };
  }
  const crossing = crossingClose(c);
  if (crossing) return judgeCrossing(c, crossing, profile ?? ownProfile(c));
  // A response that is not valid HTTP was an answer all the same (the gateway's parser rejected it and closed). One
  // that began only after the gateway's close answers the close, not the request (Node's server sends 400 with
  // Connection: close when a FIN cuts a request body short: blind world random-240, uploads its clients gave up on).
  const answeredClose =
    last?.respTsUs != null && c.closer === "gateway" && c.closeUs !== null && last.respTsUs > c.closeUs;
  const pending =
    last && ((!last.complete && !last.invalidResponse) || answeredClose) && last.reqTsUs !== null ? last : undefined;
  // A response cut short: the target closed (RST, or FIN before its Content-Length or last chunk) after part of it.
  // A FIN ends a response short only when every byte before it was captured (no reassembly gap).
  if (
    c.closer === "target" &&
    pending &&
    (c.closeKind === "RST" || c.targetRst || (pending.responseBytes > 0 && c.gaps === 0))
  ) {
    return {
      code: "target-reset-mid-response",
      reason:
        `The target ${c.closeKind === "RST" || c.targetRst ? "reset" : "closed (FIN)"} the connection at frame ${c.closeFrame} after ${pending.responseBytes} response bytes of ${reqName(pending)}` +
        `${pending.status !== null ? ` (status ${pending.status})` : ""}${pending.contentLength !== null ? `, of a Content-Length of ${pending.contentLength}` : ""}: the response stopped short.`,
    };
  }
  if (c.closer === "gateway" && pending) {
    return {
      code: "gateway-close",
      reason:
        `The gateway sent ${c.closeKind} at frame ${c.closeFrame}, ${ms((c.closeUs as number) - (pending.reqTsUs as number))} ms after ` +
        `${reqName(pending)}, ${answeredClose ? `before any response (the target answered the close: ${pending.status ?? "?"} at frame ${pending.respFrame})` : `before the response was complete (${pending.responseBytes} response bytes)`}.`,
    };
  }
  // An idle socket the target resets is closed like one it FINs.
  if (!pending && (c.closeKind !== "RST" || c.closer === "gateway" || c.idleGapMs !== null)) {
    const how = c.closer ? `${c.closer} closed with ${c.closeKind}` : "still open at end of capture";
    const idle = c.idleGapMs !== null ? ` after ${sec(c.idleGapMs)} s idle` : "";
    const invalid = c.exchanges.filter((e) => e.invalidResponse);
    const bad = invalid.length
      ? ` (${invalid.length} with a response the gateway's HTTP parser rejects, \`${invalid[0].invalidResponse}\` at frame ${invalid[0].respFrame})`
      : "";
    return { code: "normal", reason: `${n} exchange(s), all answered${bad}; ${how}${c.closer ? idle : ""}.` };
  }
  // No answer and no close after the request: the capture ended first (tcpdump stopped by Ctrl-C drops its last second).
  if (pending && !c.closer && !c.targetRst)
    return {
      code: "unknown",
      reason: `${pending.method ? reqName(pending) : "The request"} at frame ${pending.reqFrame} was still waiting for its answer when the capture ended${pending.responseBytes ? ` (${pending.responseBytes} response bytes of it so far)` : ""}: no answer or close of it was captured. A tcpdump stopped right after the 502s loses its last second of packets; let it run a few seconds longer.`,
    };
  return {
    code: "unknown",
    reason: `State ${c.connState}, history ${c.history}, ${n} exchange(s); closer ${c.closer ?? "none"} with ${c.closeKind ?? "nothing"}.`,
  };
}

/** A handshake that ended before the gateway's Finished, told by the target's first bytes. */
function tlsNotCompleted(c: Connection): Classification {
  const end = `the ${c.closer} closed with ${c.closeKind} at frame ${c.closeFrame}`;
  const [tls, reason]: [TlsFailure, string] =
    c.bytesT2G === 0
      ? [
          "hello-closed",
          `the target closed with ${c.closeKind} at frame ${c.closeFrame} without answering the gateway's ClientHello: it refused the handshake (protocol, cipher, server name).`,
        ]
      : c.tlsFirstAnswer === "alert"
        ? [
            "hello-refused",
            `the target answered the gateway's ClientHello with a TLS alert (${c.bytesT2G} bytes, no hello of its own), and ${end}: it refused the hello, sharing no protocol version or cipher suite with the gateway (a target that speaks only TLS 1.0 / 1.1 does so to Node's TLS 1.2–1.3), or rejecting its server name. The gateway's log names the alert (\`alert protocol version\`, \`alert handshake failure\`).`,
          ]
        : c.tlsFirstAnswer === "not-tls"
          ? [
              "not-tls",
              `the target answered the gateway's ClientHello with ${c.bytesT2G} bytes that are not TLS (a plain HTTP server answers \`400 Bad Request\`), and ${end}: the target does not speak TLS on this port, and the proxy's url should say http://. The gateway's log says EPROTO, \`wrong version number\`.`,
            ]
          : [
              "gateway-rejected",
              `the target answered the gateway's ClientHello with ${c.bytesT2G} bytes (its hello and certificate), and the gateway never went on with the handshake (no Finished, no request); ${end}. The gateway rejected the target's certificate or handshake: its log names why.`,
            ];
  return { code: "tls-handshake-failed", tls, reason: `TLS handshake not completed: ${reason}` };
}

/**
 * A race's close is timed by the target's idle timer from its last byte, whatever the request; a premature
 * close comes after the target had the request. Timing against the target's quickest answer decides when it
 * is clear; in between, only a quiet time that matches the target's idle timer makes it a race.
 */
function judgeCrossing(
  c: Connection,
  x: NonNullable<ReturnType<typeof crossingClose>>,
  p: TargetProfile,
): Classification {
  const floor = p.responseFloorMs;
  const timer = p.cluster;
  if (x.quietMs === null && !c.history.includes("S")) {
    // No SYN: the capture (or this file of a rotated capture, tcpdump -C / -G) starts inside the connection.
    return {
      code: "unknown",
      reason: `The capture starts inside this connection (no SYN): the request ${reqName(x.pending)} at frame ${x.pending.reqFrame} may not be its first, so whether the target's ${c.closeKind} at frame ${c.closeFrame} was its idle timer or a hang-up cannot be told. Upload the capture file before this one.`,
    };
  }
  if (x.quietMs === null) {
    return {
      code: "premature-close",
      premature: "new-connection",
      reason: `Premature close: the target sent ${c.closeKind} at frame ${c.closeFrame} ${f1(x.afterRequestMs)} ms after the first request ${reqName(x.pending)} of a new connection, without any response bytes.`,
    };
  }
  const at = (ms: number | null | undefined, tol = clusterTolerance) =>
    ms != null && Math.abs(x.quietMs! - ms) <= tol(ms);
  const timerMatch =
    timer !== null && (at(timer.ms, (ms) => timer.toleranceMs ?? clusterTolerance(ms)) || at(p.otherTimerMs));
  const after = x.afterRequestMs >= 0 ? `${f1(x.afterRequestMs)} ms after` : `${f1(-x.afterRequestMs)} ms before`;
  const what = `the target sent ${c.closeKind} at frame ${c.closeFrame} ${after} the gateway's request ${reqName(x.pending)} (frame ${x.pending.reqFrame})`;
  const quiet = `${sec(x.quietMs)} s after the connection's last byte`;
  const floorText =
    floor === null
      ? "the target answered no request in this capture"
      : `its quickest answer in this capture took ${f1(floor)} ms`;
  const timerText = !timer
    ? "no idle timer could be inferred for this target"
    : timer.n < MIN_SUPPORT
      ? `${timer.n} of its closes agree on ${sec(timer.ms)} s within ${timer.spreadMs} ms (a timer that long leaves few closes in a short capture)`
      : `its idle closes agree on ${sec(timer.ms)} s (${timer.n} closes)`;
  // Races all close at one idle timer: several quick closes whose quiet times agree on none are hang-ups.
  const scattered = timer === null && p.quickCloses >= MIN_SUPPORT;
  if (
    !hadTimeToAnswer(x.afterRequestMs, floor) &&
    (timerMatch || (closedBeforeSeeing(x.afterRequestMs, floor) && !scattered))
  ) {
    const race: RaceEvidence = timerMatch ? "idle-timer" : "timing";
    const why = timerMatch
      ? `${quiet}, where ${timerText}`
      : `sooner than the target could have reacted (${floorText}); ${timerText}`;
    return { code: "keepalive-race", race, reason: `Keep-alive race: ${what}, ${why}.` };
  }
  if (timer !== null && floor !== null) {
    // A close is never early, but it can reach the capture late (a busy target, a proxy in between). The request left
    // `gap` after the last byte and needs at most the target's quickest answer (an upper bound of the round trip) to
    // arrive: when that is past the earliest the timer fires (the quickest of its idle closes), the timer may have
    // fired first, and a close after it is that timer's, late; a request that arrived sooner was the target's to
    // answer (blind worlds random-332, -336, -343: hang-ups 30–56 ms after the request reached the target, 9–30 ms
    // after the timer's median, on requests whose latest arrival was 14–22 ms before it).
    // How late a close may be held up is what holds up the target's idle closes too (a busy target, a proxy, the
    // path's variation), so the spread of those closes measures it; the path's own latency is in every close and
    // cancels out of quiet times, so a round trip does not (blind world random-286: a hang-up 36 ms after a timer
    // whose 6 idle closes lie within 5 ms, on a request that left 64 ms before it; races held up on recorded
    // worlds came at most 1.4 × that spread late).
    const jitter = Math.max(timer.spreadMs, 10);
    const gap = x.quietMs - x.afterRequestMs;
    const late = x.quietMs - timer.ms;
    const earliest = timer.minMs ?? timer.ms - jitter;
    // Closes that begin as soon as the last byte and spread wider than that are no timer a close could be late after:
    // the target closes at random soon after each response, a request in hand or not (blind world random-706: FINs
    // 0–30 ms after every response, two of them 10–11 ms after the request reached the target).
    const definite = earliest > timer.spreadMs;
    if (definite && gap + floor >= earliest && late >= -jitter && late <= 2 * jitter) {
      return {
        code: "keepalive-race",
        race: "after-timer",
        reason: `Keep-alive race: ${what}, ${quiet}, ${f1(late)} ms after ${timerText}: the request left ${f1(gap)} ms after the last byte, too late to reach the target before that timer fired (${floorText}, more than the round trip); the close was held up on its way.`,
      };
    }
  }
  const acked = x.pending.reqAckedUs !== null ? " (its TCP peer ACKed the request)" : "";
  const premature: PrematureEvidence = hadTimeToAnswer(x.afterRequestMs, floor)
    ? "answer-time"
    : scattered
      ? "no-timer"
      : "off-timer";
  const why =
    premature === "answer-time"
      ? `time enough to receive it (${floorText})`
      : premature === "no-timer"
        ? `quick, but ${p.quickCloses} such closes came at no idle timer${p.clusterNote ? ` (${p.clusterNote.replace(/\.$/, "")})` : ""}`
        : `not at its idle timer (${timerText})`;
  return {
    code: "premature-close",
    premature,
    reason: `Premature close: ${what}${acked}, ${quiet}, without any response bytes: ${why}.`,
  };
}

/** Context from the connection itself, for callers that classify one connection alone. */
function ownProfile(c: Connection): TargetProfile {
  const p = new TargetProfiler();
  p.add(c);
  return p.profiles().get(endpointLabel(c.target.host, c.target.port))!;
}

/** Both passes over a list: the targets' profiles, then every connection in its target's context. */
export function classifyAll(conns: Connection[]): { classes: Classification[]; profiles: Map<string, TargetProfile> } {
  const profiler = new TargetProfiler();
  for (const c of conns) profiler.add(c);
  const profiles = profiler.profiles();
  const endUs = conns.reduce((m, c) => Math.max(m, c.endUs), -Infinity);
  return {
    classes: conns.map((c) => classifyConnection(c, profiles.get(endpointLabel(c.target.host, c.target.port)), endUs)),
    profiles,
  };
}
