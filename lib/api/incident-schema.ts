import { z } from "zod";
import { TargetConnections } from "./connection-schema";
import { DiagnosisSchema } from "./diagnosis-schema";
import { FileCounts } from "./file-counts";
import { FileKindSchema, FileStatusSchema } from "@/lib/ingest/file-kinds";

/** The incident as the page shows it and `GET /api/incidents/{id}` answers it: defined once here. */

export const BundleFileView = z.object({
  id: z.string(),
  name: z.string(),
  kind: FileKindSchema,
  size: z.number(),
  status: FileStatusSchema,
  bytesDone: z.number(),
  error: z.string().nullable(),
  counts: FileCounts,
  parentId: z.string().nullable(),
});

export const TimelineBucket = z.object({
  /** Bucket start, epoch ms. */
  t: z.number(),
  /** Transactions that started in the bucket (only meaningful when the log level shows all traffic). */
  total: z.number(),
  /** 5xx transactions by error code ("none" when the log line had none), e.g. {ECONNRESET: 3}. */
  errors: z.record(z.string(), z.number()),
  s502: z.number(),
  s504: z.number(),
  /** Target-sent FIN / RST closes of captured connections in the bucket (for markers on the 502 timeline). */
  targetFin: z.number().default(0),
  targetRst: z.number().default(0),
  /** Of those, the closes that killed a request (the connection explains a 502 in the logs). */
  killFin: z.number().default(0),
  killRst: z.number().default(0),
});

export const TargetRow = z.object({
  target: z.string(),
  proxy: z.string().nullable(),
  /** Requests sent to the target; null when the log level hides successful requests. */
  requests: z.number().nullable(),
  /** Of those, the ones the target answered (a status below 500, or its own 502 / 504); null as `requests`. */
  answered: z.number().nullable().default(null),
  errors502: z.number(),
  errors504: z.number(),
  /** Of those 502s / 504s, the ones the target answered itself (the gateway passed its response on). */
  targetAnswered502: z.number(),
  targetAnswered504: z.number(),
  /** 502s / requests; null when the denominator is unknown. */
  errorRate: z.number().nullable(),
  errorCodes: z.record(z.string(), z.number()),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  /** Of its 502s / 504s, those logged at a time no capture covers (clock offset applied): the captures cannot explain them. */
  failuresOutsideCapture: z.number().default(0),
  /** Those failures by error code, keyed as `errorCodes` ("none": no code, as the target's own answers). */
  failuresOutsideCaptureCodes: z.record(z.string(), z.number()).optional(),
  /** Its responses the log shows cut short (targetResponse aborted), by their transaction's duration (ms, 100 ms steps). */
  abortedDurations: z.record(z.string(), z.number()).optional(),
  /** From captures (lib/incidents/connections.ts): connections by class, inferred keep-alive timeout, 502s explained by class. */
  ...TargetConnections.shape,
});

/** An incident's id with the title and note a person edits; the log's org and env, when made, and its link. */
const IncidentName = z.object({ id: z.string(), title: z.string(), note: z.string() });
const IncidentOrigin = z.object({
  org: z.string().nullable(),
  env: z.string().nullable(),
  createdAt: z.string(),
  url: z.string(),
});

export const IncidentView = z.object({
  ...IncidentName.shape,
  ...IncidentOrigin.shape,
  /** True while any file is queued or parsing. */
  pending: z.boolean(),
  files: z.array(BundleFileView),
  summary: z.object({
    firstTs: z.number().nullable(),
    lastTs: z.number().nullable(),
    transactions: z.number(),
    status502: z.number(),
    status504: z.number(),
    errorCodes: z.record(z.string(), z.number()),
    malformedLines: z.number(),
    /** "full" when logs show every request (level info or lower); "errors-only" when only failures are logged. */
    logCoverage: z.enum(["full", "errors-only", "none"]),
    /** Whether the captures cover the log's whole time (clock offset applied); null without a log or capture. */
    captureCoversLog: z.boolean().nullable().default(null),
    /**
     * Connections the captures show opening outside the log's time, per one opening within it; null without a log, a
     * capture, or a failed lookup in the log (the only use: outside-log.ts).
     */
    captureOutsideLogShare: z.number().nullable().default(null),
    /** Gateway stats lines: per-process deltas summed (exist whatever the log level). */
    statsTotals: z.object({ requests: z.number(), responses: z.number(), s5xx: z.number() }).nullable(),
  }),
  timeline: z.object({ bucketMs: z.number(), buckets: z.array(TimelineBucket) }),
  targets: z.array(TargetRow),
  diagnosis: DiagnosisSchema,
});
export type IncidentView = z.infer<typeof IncidentView>;

/** A row of the incident list: the view's identity fields, with its time range and counts. */
export const IncidentListItem = IncidentView.pick({
  id: true,
  title: true,
  createdAt: true,
  pending: true,
  url: true,
}).extend({
  firstTs: z.number().nullable(),
  lastTs: z.number().nullable(),
  status502: z.number(),
  files: z.number(),
});
export type IncidentListItem = z.infer<typeof IncidentListItem>;

export const IncidentPatch = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  note: z.string().max(20_000).optional(),
});
