/**
 * BundleFile.counts: what the file's handler reported (lib/ingest/handlers/*), one JSON column for every kind.
 * Read through `readFileCounts` wherever a row is read, never cast.
 */
import { z } from "zod";
import type { GatewayConfig } from "@/lib/parsers/config";
import { REDACTION_RULES } from "@/lib/redact/rules";
import { TargetProfileSchema } from "./connection-schema";

/** {key: n}: LogTargetStat.errorCodes and .durations, and the tallies inside the counts. */
export const Tally = z.record(z.string(), z.number());
const tally = Tally;
const tallyBy = z.record(z.string(), tally);

/** The parsed config is our own parser's output: checked for its top-level shape, not field by field. */
const StoredConfig = z.custom<GatewayConfig>(
  (v) => typeof v === "object" && v !== null && "edgemicro" in v && Array.isArray((v as { proxies?: unknown }).proxies),
  "not a parsed gateway config",
);

export const FileCounts = z.looseObject({
  // gateway-log (handlers/log.ts)
  lines: z.number().optional(),
  events: z.number().optional(),
  targetRequests: z.number().optional(),
  transactions: z.number().optional(),
  malformed: z.number().optional(),
  org: z.string().optional(),
  env: z.string().optional(),
  firstTs: z.number().optional(),
  lastTs: z.number().optional(),
  redactions: z
    .array(z.object({ rule: z.enum(REDACTION_RULES), count: z.number(), lines: z.array(z.number()) }))
    .optional(),
  // pcap / pcapng (handlers/capture.ts)
  frames: z.number().optional(),
  tcpPackets: z.number().optional(),
  byTargetClass: tallyBy.optional(),
  byTargetClassState: z.record(z.string(), tallyBy).optional(),
  racesByTarget: tallyBy.optional(),
  prematurePathsByTarget: tallyBy.optional(),
  targetProfiles: z.array(TargetProfileSchema).optional(),
  /** Closes per bucket width: [bucket start ms, FIN, RST] (lib/analysis/log-aggregates.ts CloseBuckets). */
  closeBuckets: z.record(z.string(), z.array(z.tuple([z.number(), z.number(), z.number()]))).optional(),
  // a capture's read warnings (byte offset) and a config's issues (line, column) alike
  warnings: z
    .array(
      z.object({
        code: z.string(),
        message: z.string(),
        offset: z.number().optional(),
        line: z.number().nullable().optional(),
        column: z.number().nullable().optional(),
      }),
    )
    .optional(),
  // gateway-config (handlers/config.ts)
  config: StoredConfig.optional(),
  // zip / tar / gzip (handlers/archive.ts)
  entries: z.number().optional(),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  stopped: z.object({ code: z.string(), reason: z.string() }).optional(),
  /** Set once the members' rows exist and the archive's own bytes may go: a re-run does nothing more. */
  unpacked: z.boolean().optional(),
  /** Why unpacking ended early (a corrupt tail, too deep), when it did. */
  unpackError: z.string().optional(),
});
export type FileCounts = z.infer<typeof FileCounts>;

/**
 * The counts of a stored row. A row whose counts do not fit (written by an older version) reads as none:
 * the file shows no figures rather than wrong ones.
 */
export function readFileCounts(raw: unknown): FileCounts {
  const r = FileCounts.safeParse(raw ?? {});
  return r.success ? r.data : {};
}

/** A stored {key: n} column; anything else reads as empty. */
export function readTally(raw: unknown): Record<string, number> {
  const r = Tally.safeParse(raw ?? {});
  return r.success ? r.data : {};
}
