// Schema and loader for the recording lab's fixtures (lib/analysis/__fixtures__/lab/<scenario>/),
// written by scripts/lab/record.mjs: real microgateway-core logs, configs and gateway-leg captures,
// with ground truth computed by tshark (see scripts/lab/README.md).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { TARGET_CAUSES } from "@/lib/api/diagnosis-schema";

export const LAB_FIXTURES_DIR = path.join(import.meta.dirname, "__fixtures__", "lab");

export const labConnectionClass = z.enum([
  "refused",
  "syn-unanswered",
  "tls-handshake-failed",
  "target-reset-mid-response",
  "keepalive-race",
  "premature-close",
  "gateway-close",
  "normal",
  "unknown",
]);
export type LabConnectionClass = z.infer<typeof labConnectionClass>;

/** The target causes the lab records: all of them. */
export const labCause = z.enum(TARGET_CAUSES);
export type LabCause = z.infer<typeof labCause>;

const classCounts = z.object({
  refused: z.number().int().nonnegative(),
  /** Recordings before the blackhole scenario had no such class. */
  "syn-unanswered": z.number().int().nonnegative().default(0),
  /** Recordings before the TLS and mid-response scenarios had no such classes. */
  "tls-handshake-failed": z.number().int().nonnegative().default(0),
  "target-reset-mid-response": z.number().int().nonnegative().default(0),
  "keepalive-race": z.number().int().nonnegative(),
  "premature-close": z.number().int().nonnegative(),
  "gateway-close": z.number().int().nonnegative(),
  normal: z.number().int().nonnegative(),
  unknown: z.number().int().nonnegative(),
});

const idleStats = z.object({
  count: z.number().int().nonnegative(),
  minMs: z.number().nullable(),
  maxMs: z.number().nullable(),
  medianMs: z.number().nullable().optional(),
});

export const labTarget = z.object({
  /** host:port as the gateway sees it (the relay's listen address, the unreachable target, or a name that never resolved) */
  target: z.string().regex(/^[\w.-]+:\d+$/),
  /** https targets (absent: http) */
  scheme: z.literal("https").optional(),
  /** A target named by a host name with no connection on the wire: what its lookups got (tshark, udp port 53). */
  dns: z
    .object({
      name: z.string(),
      queries: z.number().int().nonnegative(),
      answers: z.number().int().nonnegative(),
      nxdomain: z.number().int().nonnegative(),
      other: z.number().int().nonnegative(),
      /** the scenario's resolver: a stub answering NXDOMAIN, or none reachable */
      world: z.enum(["nxdomain", "unreachable"]).nullable(),
      clientFailures: z.number().int().nonnegative(),
      why: z.string(),
    })
    .optional(),
  /** Failed lookups (the client's failed requests on its base path), counted as failures (absent before dns-*). */
  lookupFailures: z.number().int().nonnegative().optional(),
  proxy: z.string(),
  basePath: z.string(),
  backend: z.string().nullable(),
  relayed: z.boolean(),
  latencyMs: z.object({ upMs: z.number(), downMs: z.number() }).nullable(),
  /** the target's configured keep-alive idle timeout (null: nothing listens) */
  idleTimeoutMs: z.number().nullable(),
  idleClose: z.enum(["FIN", "RST"]).nullable(),
  keepAliveHintS: z.number().nullable(),
  hangupShare: z.number().min(0).max(1),
  hangupPathPrefix: z.string().nullable(),
  hangupClose: z.enum(["FIN", "RST"]).nullable(),
  /** the backend's quickest possible reaction to a request (min response time / hang-up delay) */
  reactionFloorMs: z.number(),
  slowPath: z.object({ prefix: z.string(), delayMs: z.number() }).nullable(),
  counts: classCounts.extend({ total: z.number().int().nonnegative() }),
  idleCloses: z.object({ byTarget: idleStats, byGateway: idleStats, racingTargetIdleMs: idleStats }),
  /** grep -F '[error][TARGET]' LOG | grep -cF '[targetRequest error]' */
  logTargetRequestErrors: z.number().int().nonnegative(),
  /** the target's own HTTP 502 / 504 responses on the gateway leg (tshark; absent in fixtures recorded before it was counted) */
  targetErrorResponses: z.number().int().nonnegative().optional(),
  /** The target closes (FIN) this long after every complete response, without `Connection: close` (ms, min–max). */
  closesAfterResponseMs: z.tuple([z.number(), z.number()]).optional(),
  /** The target sends `Connection: close` on every response and closes after it. */
  connectionClose: z.boolean().optional(),
  /** Responses Node's parser rejects: tshark's http.response.code 0 (HPE_INVALID_STATUS), or a head over 16 KiB. */
  invalidResponses: z.number().int().nonnegative().optional(),
  /**
   * Requests the lab client gave up on (its timeout, on this target's base path), and of them those whose target
   * request the gateway aborted (a gateway-close right after: the client left mid-upload). Not failures of the target.
   * Absent in fixtures recorded before the client-abort scenarios.
   */
  clientAborts: z
    .object({ gaveUp: z.number().int().nonnegative(), gatewayClosed: z.number().int().nonnegative() })
    .optional(),
  /** gateway-closes of a worker being stopped (a restart or reload): not failures of the target */
  workerExitCloses: z.number().int().nonnegative().optional(),
  /** Failing connections: a gateway-close because the client left, or its worker was stopped, is not one. */
  failingConnections: z.number().int().nonnegative(),
  /** Failing connections plus the target's own 502 / 504 answers (recordings before this count lack it). */
  failures: z.number().int().nonnegative().optional(),
  expectedCause: labCause,
  /**
   * Failure kinds with as many failing connections each (races and premature closes together, gateway-closes,
   * refusals): the target fails in several ways equally and expectedCause is only the first by the truth's order.
   */
  tiedCauses: z.array(labCause).optional(),
});

export const labConnection = z.object({
  /** the gateway's ephemeral port on the gateway↔target leg */
  gatewayPort: z.number().int().positive(),
  target: z.string(),
  /** first SYN (or first packet) time, epoch µs, in the capture's clock */
  synTimeUs: z.number().int(),
  class: labConnectionClass,
  why: z.string(),
  requests: z.number().int().optional(),
  responses: z.number().int().optional(),
  closedBy: z.enum(["target", "gateway"]).optional(),
  closeFlag: z.enum(["FIN", "RST"]).optional(),
  idleBeforeCloseMs: z.number().optional(),
  targetIdleBeforeCloseMs: z.number().nullable().optional(),
  relayPort: z.number().int().optional(),
  /** race / premature: idle gap on the gateway leg from the last response byte to the pending request (null: first request) */
  gapBeforeRequestMs: z.number().nullable().optional(),
  /** race where the backend's idle close found the request unread in its receive buffer (RST) */
  unreadRequest: z.boolean().optional(),
  /**
   * gateway-close: why the gateway closed. `client-abort`: the lab client had given up on that request (client.jsonl)
   * just before; `gateway-exit`: a gateway worker was being stopped (its sockets closed with its process);
   * `request-timeout`: request_timeout is set; `unknown` otherwise. Absent before client-abort-*.
   */
  gatewayCloseCause: z.enum(["client-abort", "gateway-exit", "request-timeout", "unknown"]).optional(),
  /** A gateway-close in the middle of an answer (after response bytes), not of a request with none. */
  midResponse: z.boolean().optional(),
});

export const labTruth = z.object({
  scenario: z.string(),
  description: z.string(),
  derivedFrom: z.string().optional(),
  clockSkew: z.object({ captureMinusLogS: z.number(), command: z.string() }).optional(),
  gateway: z.object({
    software: z.string(),
    node: z.string(),
    keepAliveTimeoutMs: z.number().nullable(),
    requestTimeoutS: z.number().nullable(),
    logLevel: z.string(),
  }),
  expectedCause: labCause,
  expectedCauses: z.array(labCause),
  targets: z.array(labTarget).min(1),
  counts: classCounts,
  log: z.object({
    /** none when the gateway wrote no log (level error, and nothing failed) */
    files: z.array(z.string()),
    status502: z.number().int().nonnegative(),
    status504: z.number().int().nonnegative(),
    /** the targets' own 502 / 504 answers the gateway passed on (absent in fixtures recorded before it was counted) */
    statusFromTargets: z.number().int().nonnegative().optional(),
    /**
     * 502s with no failing connection on the wire to show for them: requests the gateway gave to a
     * pooled socket whose FIN had arrived but was not yet processed; Node gave up before writing,
     * so the capture shows only a target idle close (FIN) followed by the gateway's FIN.
     */
    status502WithoutWireFailure: z.number().int(),
    status504WithoutWireFailure: z.number().int(),
    /** 502s the gateway logged for target requests it aborted because its client left (client-abort-upload) */
    status502ClientAborts: z.number().int().nonnegative().optional(),
  }),
  /** tshark -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' on the full capture: 0 */
  captureCheck: z.object({ lostSegments: z.literal(0), tsharkFilter: z.string() }),
  connections: z.array(labConnection),
  captureFilter: z.string(),
  client: z.object({ requests: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
  backendCrossCheck: z.record(
    z.string(),
    z.object({
      requestsSeen: z.number().int(),
      idleCloses: z.number().int(),
      hangups: z.number().int(),
      /** idle-timer closes while a response was still owed (slow path longer than the idle timeout): after the request was read */
      idleDuringRequest: z.number().int().optional(),
      /** responses the backend cut short on purpose (mid-response-*) */
      truncated: z.number().int().optional(),
      /** handshakes the backend's TLS server saw fail (tls-*) */
      tlsErrors: z.number().int().optional(),
      /** plain HTTP requests its TLS server rejected (the proxy's url said http://): hang-ups on the wire */
      plainToTls: z.number().int().optional(),
      /** TLS hellos its plain server answered 400 (the proxy's url said https://): failed handshakes on the wire */
      badRequests: z.number().int().optional(),
      /** closes it announced with Connection: close (connection-close); the gateway may close first on the wire */
      announcedCloses: z.number().int().optional(),
      /** responses it sent with a status line that is not valid HTTP (malformed-response) */
      malformed: z.number().int().optional(),
      /** responses it sent with a head over Node's 16 KiB limit (header-overflow) */
      bigHeads: z.number().int().optional(),
      badHeaders: z.number().int().optional(),
    }),
  ),
});
export type LabTruth = z.infer<typeof labTruth>;

export function labFixtureNames(root: string = LAB_FIXTURES_DIR): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The bundle files of a fixture (logs, configs, capture) as absolute paths, and its truth. */
export function loadLabFixture(
  name: string,
  root: string = LAB_FIXTURES_DIR,
): { dir: string; files: string[]; truth: LabTruth } {
  const dir = path.join(root, name);
  const files = readdirSync(dir)
    .filter((f) => /\.(log|ya?ml|pcap)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
  const truth = labTruth.parse(JSON.parse(readFileSync(path.join(dir, "truth.json"), "utf8")));
  return { dir, files, truth };
}

export interface StoredConnection {
  gatewayPort: number;
  target: string;
  startTs: Date;
  classCode: string;
}

/**
 * Each truth connection's stored row: same gateway port and target, the nearest start time (ports are reused within
 * a recording, and the database keeps milliseconds of the µs SYN time).
 */
export function storedClassOf(
  truth: LabTruth["connections"],
  rows: StoredConnection[],
): Map<LabTruth["connections"][number], string | undefined> {
  const byKey = new Map<string, StoredConnection[]>();
  for (const r of rows) {
    const key = `${r.gatewayPort} ${r.target}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const at = (c: LabTruth["connections"][number], r: StoredConnection) =>
    Math.abs(r.startTs.getTime() - c.synTimeUs / 1000);
  return new Map(
    truth.map((c) => {
      const same = byKey.get(`${c.gatewayPort} ${c.target}`) ?? [];
      const best = same.reduce<StoredConnection | undefined>((a, r) => (a && at(c, a) <= at(c, r) ? a : r), undefined);
      return [c, best && at(c, best) < 5 ? best.classCode : undefined];
    }),
  );
}
