import { z } from "zod";

/** `GET|PATCH /api/incidents/{id}/clock`: how log and capture clocks are aligned for matching 502s to closes. */

export const ClockAlignment = z.object({
  /** Log clock minus capture clock (ms) the data agree on; null when fewer than 3 pairs agree. */
  detectedOffsetMs: z.number().nullable(),
  /** 502/ECONNRESET log lines and connection closes that agree on the detected offset. */
  detectedPairs: z.number(),
  /** What a person set (ms); null means the detected offset is used. */
  overrideMs: z.number().nullable(),
  /** The offset matching used, and where it came from ("none": no offset beyond the tolerance). */
  appliedOffsetMs: z.number(),
  source: z.enum(["override", "detected", "none"]),
  /** A log line and a close match when they are this close after the offset. */
  toleranceMs: z.number(),
  /** 502/ECONNRESET transactions in the logs, and how many a captured connection explains. */
  failures: z.number(),
  matched: z.number(),
  /** Captured connections (nothing to align without a capture). */
  connections: z.number(),
  /** True while files are still parsing: the detection and the matches may still change. */
  pending: z.boolean(),
});
export type ClockAlignment = z.infer<typeof ClockAlignment>;

const MAX_OFFSET_MS = 7 * 24 * 3600 * 1000;
export const ClockPatch = z
  .object({ offsetMs: z.number().finite().min(-MAX_OFFSET_MS).max(MAX_OFFSET_MS).nullable() })
  .strict();
export type ClockPatch = z.infer<typeof ClockPatch>;
