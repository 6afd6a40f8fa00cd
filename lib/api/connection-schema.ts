import { z } from "zod";

/** `GET /api/incidents/{id}/connections` and the connection pages: defined once here. */

export const ConnectionClass = z.enum(["normal", "keepalive-race", "premature-close", "target-reset-mid-response", "refused", "gateway-close", "unknown"]);

export const ConnectionQuery = z.object({
  class: ConnectionClass.optional(),
  target: z.string().max(300).optional(),
  state: z.string().max(20).optional(),
  sort: z.enum(["time", "gap"]).default("time"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ConnectionQuery = z.infer<typeof ConnectionQuery>;

export const Exchange = z.object({
  method: z.string().nullable(),
  path: z.string().nullable(),
  reqTsUs: z.number().nullable(),
  reqFrame: z.number().nullable(),
  status: z.number().nullable(),
  respTsUs: z.number().nullable(),
  respFrame: z.number().nullable(),
  connectionHeader: z.string().nullable(),
  keepAliveTimeoutS: z.number().nullable(),
  complete: z.boolean(),
  responseBytes: z.number(),
}).passthrough();

export const MatchedLog = z.object({
  correlationId: z.string(),
  method: z.string(),
  url: z.string(),
  ts: z.number(),
  status: z.number().nullable(),
  errCode: z.string().nullable(),
  errMessage: z.string().nullable(),
  deltaMs: z.number().nullable(),
});

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
  state: z.string(),
  history: z.string(),
  idleGapMs: z.number().nullable(),
  class: ConnectionClass,
  reason: z.string(),
  exchanges: z.array(Exchange),
  matched: MatchedLog.nullable(),
});
export type ConnectionRow = z.infer<typeof ConnectionRow>;

export const ConnectionList = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), connections: z.array(ConnectionRow) });
export type ConnectionList = z.infer<typeof ConnectionList>;

export const LadderStep = z.object({
  frame: z.number(), tsUs: z.number(), dir: z.enum(["g2t", "t2g"]), flags: z.string(), seq: z.number(), ack: z.number(), len: z.number(), note: z.string().optional(),
});
export const ConnectionDetail = ConnectionRow.extend({ ladder: z.array(LadderStep), ladderOmitted: z.number() });
export type ConnectionDetail = z.infer<typeof ConnectionDetail>;

/** Per target, added to the incident's target rows. */
export const TargetConnections = z.object({
  connections: z.object({ total: z.number(), byClass: z.record(z.string(), z.number()) }),
  inferredIdleTimeoutMs: z.number().nullable(),
  idleTimeoutSupport: z.number(),
  explained502: z.record(z.string(), z.number()),
});
export type TargetConnections = z.infer<typeof TargetConnections>;
