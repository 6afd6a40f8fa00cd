import { z } from "zod";
import { CONN_STATES } from "@/lib/analysis/tcp/types";

/** `GET /api/incidents/{id}/connections` and the connection pages: defined once here. */

export const ConnectionClass = z.enum([
  "normal",
  "keepalive-race",
  "premature-close",
  "target-reset-mid-response",
  "tls-handshake-failed",
  "refused",
  "syn-unanswered",
  "gateway-close",
  "unknown",
]);

export const ConnectionSort = z.enum(["time", "gap"]);
export type ConnectionSort = z.infer<typeof ConnectionSort>;

/**
 * Where a page starts, decoded from the opaque `cursor` query parameter (base64url of this JSON; see
 * lib/incidents/connections.ts). `d: "next"` with a key: the rows after that row; `d: "prev"` with a key: the
 * rows before it; `d: "prev"` without a key: the last page. No cursor: the first page.
 */
export const ConnectionCursor = z
  .strictObject({
    v: z.literal(1),
    s: ConnectionSort,
    d: z.enum(["next", "prev"]),
    k: z
      .strictObject({
        /** startTs, epoch ms */
        t: z.number().int().min(0).max(8.64e15),
        /** TcpConnection id */
        i: z.string().regex(/^\d{1,18}$/),
        /** idleGapMs (sort "gap" only; null sorts last) */
        g: z.number().finite().nullable().optional(),
      })
      .optional(),
  })
  .refine((c) => c.k === undefined || (c.s === "gap") === (c.k.g !== undefined), {
    message: "the key's idle gap belongs to the idle-gap sort only",
  })
  .refine((c) => c.k !== undefined || c.d === "prev", { message: "only the last page has no key" });
export type ConnectionCursor = z.infer<typeof ConnectionCursor>;

export const ConnectionQuery = z.object({
  class: ConnectionClass.optional(),
  target: z.string().max(300).optional(),
  state: z.string().max(20).optional(),
  sort: ConnectionSort.default("time"),
  /** Opaque page position from a previous answer (`nextCursor`, `prevCursor`, `lastCursor`); none: the first page. */
  cursor: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ConnectionQuery = z.infer<typeof ConnectionQuery>;

/** Zeek conn_state of a connection, as the tracker sets it. */
export const ConnStateSchema = z.enum(CONN_STATES);

/** One request/response exchange on a connection: null where the capture did not show that part. */
export const Exchange = z
  .object({
    // the request
    method: z.string().nullable(),
    path: z.string().nullable(),
    reqTsUs: z.number().nullable(),
    reqFrame: z.number().nullable(),
    // its response, and what the response said about keeping the connection open
    status: z.number().nullable(),
    respTsUs: z.number().nullable(),
    respFrame: z.number().nullable(),
    connectionHeader: z.string().nullable(),
    keepAliveTimeoutS: z.number().nullable(),
    complete: z.boolean(),
    responseBytes: z.number(),
  })
  .passthrough();

/** A transaction of a gateway log (a LogTransaction row): which request, and how it ended. */
export const LoggedTransaction = z.object({
  correlationId: z.string(),
  method: z.string(),
  url: z.string(),
  ts: z.number(),
  status: z.number().nullable(),
  errCode: z.string().nullable(),
  errMessage: z.string().nullable(),
});

/** The logged transaction a connection's close explains; `deltaMs`: log time minus close time. */
export const MatchedLog = LoggedTransaction.extend({ deltaMs: z.number().nullable() });

export const ConnectionRow = z.object({
  id: z.string(),
  fileId: z.string(),
  index: z.number(),
  gateway: z.string(),
  target: z.string(),
  startTs: z.number(),
  endTs: z.number(),
  closeTs: z.number().nullable(),
  firstFrame: z.number(),
  lastFrame: z.number(),
  closeFrame: z.number().nullable(),
  packets: z.object({ g2t: z.number(), t2g: z.number() }),
  bytes: z.object({ g2t: z.number(), t2g: z.number() }),
  closer: z.string().nullable(),
  closeKind: z.string().nullable(),
  retransmissions: z.number(),
  state: ConnStateSchema,
  history: z.string(),
  idleGapMs: z.number().nullable(),
  class: ConnectionClass,
  reason: z.string(),
  exchanges: z.array(Exchange),
  matched: MatchedLog.nullable(),
});
export type ConnectionRow = z.infer<typeof ConnectionRow>;

export const ConnectionList = z.object({
  /** Connections matching the filters. */
  total: z.number(),
  pageSize: z.number(),
  sort: ConnectionSort,
  /** Cursor of the page before / after this one (null at the start / end), and of the last page (null when empty). */
  prevCursor: z.string().nullable(),
  nextCursor: z.string().nullable(),
  lastCursor: z.string().nullable(),
  connections: z.array(ConnectionRow),
});
export type ConnectionList = z.infer<typeof ConnectionList>;

export const LadderStep = z.object({
  frame: z.number(),
  tsUs: z.number(),
  dir: z.enum(["g2t", "t2g"]),
  flags: z.string(),
  seq: z.number(),
  ack: z.number(),
  len: z.number(),
  note: z.string().optional(),
});
/** With its ladder, derived from the stored capture when asked for; `ladderNote` says why there is none to show. */
export const ConnectionDetail = ConnectionRow.extend({
  ladder: z.array(LadderStep),
  ladderOmitted: z.number(),
  ladderNote: z.string().nullable(),
});
export type ConnectionDetail = z.infer<typeof ConnectionDetail>;

/** What a capture shows of a target's timing (lib/analysis/tcp/profile.ts), as stored in the capture's counts. */
export const TargetProfileSchema = z.object({
  target: z.string(),
  responseFloorMs: z.number().nullable(),
  answered: z.number(),
  maxReuseGapMs: z.number().nullable(),
  idleCloses: z.number(),
  quickCloses: z.number().default(0),
  cluster: z.object({ ms: z.number(), n: z.number(), spreadMs: z.number(), of: z.number() }).nullable(),
  clusterNote: z.string().nullable(),
  /** A second idle time the target's closes agree on; captures parsed before have none. */
  otherTimerMs: z.number().nullable().optional(),
  keepAliveHeaderS: z.number().nullable(),
  serverErrors: z.record(z.string(), z.number()).default({}),
  /**
   * When the target's own 502 / 504s were sent (null: too many to keep; captures parsed before have none). Stored in
   * the capture's counts and read by the view (lib/incidents/target-connections.ts), never sent to pages.
   */
  ownErrorTimesMs: z.record(z.string(), z.array(z.number())).nullable().optional(),
  /** Responses Node's parser rejects (not valid HTTP, or a head over 16 KiB); older captures have no such count. */
  invalidResponses: z.number().default(0),
  /** Captures parsed before TLS was recognised have no such count. */
  encrypted: z.number().default(0),
});

/** `explained502` key of the responses cut short matched to a transaction that was no 502. */
export const CUT_NO_502 = "cut-no-502";

/** Per target, added to the incident's target rows. */
export const TargetConnections = z.object({
  connections: z.object({ total: z.number(), byClass: z.record(z.string(), z.number()) }),
  /** The target's idle timer, from closes that agree (null: none inferred). */
  inferredIdleTimeoutMs: z.number().nullable(),
  /** How many closes agree on it. */
  idleTimeoutSupport: z.number(),
  /**
   * Connections matched to a logged failure, by class (`target-idle-close`: a 502 at an idle close, before the request
   * went out). CUT_NO_502: responses cut short whose transaction was no 502 (cut by FIN, the status had gone on).
   */
  explained502: z.record(z.string(), z.number()),
  /** Races by how they were recognised: at the idle timer, or by timing alone. */
  races: z.record(z.string(), z.number()),
  /** Premature closes by how they were recognised (lib/analysis/tcp/classify.ts PrematureEvidence). */
  premature: z.record(z.string(), z.number()).default({}),
  profile: TargetProfileSchema.nullable(),
  /** Requests the target closed on without answering: path → count, most frequent first. */
  prematurePaths: z.record(z.string(), z.number()),
  /** The gateway's closes of a pending request: quiet before the close (ms, 10 ms steps) → count. */
  gatewayCloseQuiet: z.record(z.string(), z.number()).default({}),
  /** TLS handshakes not completed, by which side ended them where (classify.ts TlsFailure). */
  tlsFailures: z.record(z.string(), z.number()).default({}),
  /**
   * Failing connections whose failure lies outside every log file's time (the clock offset applied), by class: no log
   * line could name them (a log rotated away, or stopped before the capture). Empty without a log.
   */
  outsideLog: z.record(z.string(), z.number()).default({}),
});
export type TargetConnections = z.infer<typeof TargetConnections>;
