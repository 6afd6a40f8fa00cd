/**
 * BundleFile.counts: what the file's handler reported (lib/ingest/handlers/*), one JSON column for every kind.
 * Read through `readFileCounts` wherever a row is read, never cast.
 */
import { z } from "zod";
import type { GatewayConfig } from "@/lib/parsers/config";
import { REDACTION_RULES } from "@/lib/redact/rules";
import { TargetProfileSchema } from "./connection-schema";
import { CollectorReport } from "@/lib/parsers/collector-report/parse";

/** {key: n}: LogTargetStat.errorCodes and .durations, and the tallies inside the counts. */
export const Tally = z.record(z.string(), z.number());
const tally = Tally;
const tallyBy = z.record(z.string(), tally);

/** The parsed config is our own parser's output: checked for its top-level shape, not field by field. */
const StoredConfig = z.custom<GatewayConfig>(
  (v) => typeof v === "object" && v !== null && "edgemicro" in v && Array.isArray((v as { proxies?: unknown }).proxies),
  "not a parsed gateway config",
);

/** Plain counters: a log's lines and time range (handlers/log.ts), a capture's frames, an archive's entries. */
const LOG_COUNTERS = ["lines", "events", "targetRequests", "transactions", "malformed", "firstTs", "lastTs"] as const;
/** frameCopies: a capture's frames seen twice (two interfaces, both sides of a NAT), left out of its connections. */
const OTHER_COUNTERS = ["frames", "tcpPackets", "frameCopies", "entries"] as const;
const counters = Object.fromEntries([...LOG_COUNTERS, ...OTHER_COUNTERS].map((k) => [k, z.number()])) as Record<
  (typeof LOG_COUNTERS)[number] | (typeof OTHER_COUNTERS)[number],
  z.ZodNumber
>;

/** A capture's read warning (where: byte offset) or a config's issue (where: line, column). */
const Where = z.object({ offset: z.number(), line: z.number().nullable(), column: z.number().nullable() }).partial();
const Warning = Where.extend({ code: z.string(), message: z.string() });

/** Every field is optional: each handler reports its own. */
export const FileCounts = z
  .looseObject({
    ...counters,
    // gateway-log (handlers/log.ts)
    org: z.string(),
    env: z.string(),
    redactions: z.array(z.object({ rule: z.enum(REDACTION_RULES), count: z.number(), lines: z.array(z.number()) })),
    /** Workers that exited, or started while the gateway was serving (a worker died, a reload): lib/parsers/log/worker-restarts.ts. */
    workerRestarts: z.array(
      z.object({ ts: z.number(), event: z.enum(["exit", "start"]), worker: z.string(), lineNo: z.number() }),
    ),
    workerRestartCount: z.number(),
    /** The log's first `edge micro listening` line: its gateway process started (lib/incidents/worker-restarts.ts). */
    gatewayStart: z.object({ ts: z.number(), lineNo: z.number() }),
    // pcap / pcapng (handlers/capture.ts)
    byTargetClass: tallyBy,
    byTargetClassState: z.record(z.string(), tallyBy),
    racesByTarget: tallyBy,
    prematureByTarget: tallyBy,
    prematurePathsByTarget: tallyBy,
    /** TLS handshakes not completed, by which side ended them where (classify.ts TlsFailure). */
    tlsFailuresByTarget: tallyBy,
    /** The gateway's closes of a pending request: quiet before the close (ms, 10 ms steps) → count. */
    gatewayCloseQuietByTarget: tallyBy,
    targetProfiles: z.array(TargetProfileSchema),
    /** Closes per bucket width: [bucket start ms, FIN, RST] (lib/analysis/log-aggregates.ts CloseBuckets). */
    closeBuckets: z.record(z.string(), z.array(z.tuple([z.number(), z.number(), z.number()]))),
    warnings: z.array(Warning),
    // gateway-config (handlers/config.ts)
    config: StoredConfig,
    // zip / tar / gzip (handlers/archive.ts)
    skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
    stopped: z.object({ code: z.string(), reason: z.string() }),
    /** Set once the members' rows exist and the archive's own bytes may go: a re-run does nothing more. */
    unpacked: z.boolean(),
    /** Why unpacking ended early (a corrupt tail, too deep), when it did. */
    unpackError: z.string(),
    // collector-report (handlers/collector-report.ts)
    collectorReport: CollectorReport,
    /** Any kind: the id of the file of this incident with the same content, parsed instead of this one (bundle.ts). */
    duplicateOf: z.string(),
    /** A log or config whose redacted copy replaced the upload: the upload's own hash (bundle.ts knows copies by it). */
    uploadSha256: z.string(),
  })
  .partial();
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
