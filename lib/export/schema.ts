import { z } from "zod";
import { IncidentView } from "@/lib/api/incident-schema";
import { ClockAlignment } from "@/lib/api/clock-schema";
import { ConnectionClass, LoggedTransaction } from "@/lib/api/connection-schema";

/**
 * `GET /api/incidents/{id}/export/analysis.json`: the whole analysis of one incident, for scripts.
 * Published as JSON Schema at `GET /api/schema/analysis.json`.
 *
 * schemaVersion policy: adding a field keeps the version (consumers must ignore fields they do not know);
 * removing, renaming or changing the meaning or type of a field bumps it.
 */
export const SCHEMA_VERSION = 1;

export const ExampleLogLine = z.object({
  lineNo: z.number().describe("1-based line number in the log file"),
  text: z.string().describe("The line as stored: secrets redacted at ingest, the client id (x-api-key) masked"),
});

export const ExampleConnection = z.object({
  id: z.string().describe("TcpConnection id: /incidents/{incident}/connections/{id}"),
  captureFile: z.string(),
  gateway: z.string().describe("Gateway side host:port of the connection"),
  class: ConnectionClass,
  closer: z.string().nullable().describe("Who closed first: target | gateway"),
  closeKind: z.string().nullable().describe("FIN or RST"),
  firstFrame: z.number().describe("Frame number (as Wireshark counts, from 1) of the connection's first packet"),
  closeFrame: z.number().nullable().describe("Frame number of the close (FIN/RST)"),
  lastFrame: z.number(),
  idleGapMs: z.number().nullable().describe("Idle time before the request that failed"),
  deltaMs: z.number().nullable().describe("Log line time minus close time, after the clock offset"),
});

export const Example = z.object({
  ...LoggedTransaction.shape,
  ts: z.number().describe("Time of the transaction's last log line, epoch ms"),
  target: z.string().nullable(),
  log: z.object({
    fileId: z.string(),
    file: z.string(),
    lineNo: z.number().describe("First line of the transaction"),
    byteOffset: z.number(),
    lines: z.array(ExampleLogLine).describe("The transaction's lines (same correlation id), read from the stored log"),
  }),
  connection: ExampleConnection.nullable().describe(
    "The captured connection whose close explains this failure, if any",
  ),
});
export type Example = z.infer<typeof Example>;

export const AnalysisExport = z
  .object({
    schemaVersion: z
      .literal(SCHEMA_VERSION)
      .describe("Bumped on any incompatible change; new fields may appear without a bump"),
    generatedAt: z.string().describe("ISO-8601 time the export was made"),
    incident: IncidentView.describe(
      "The incident exactly as GET /api/incidents/{id} answers it: files, summary, timeline, targets, diagnosis",
    ),
    clock: ClockAlignment.describe("Log clock minus capture clock used to match 502s to connection closes"),
    examples: z
      .array(Example)
      .describe(
        "The 502 / ECONNRESET transactions, those explained by a captured connection first, then by time; at most 20",
      ),
  })
  .meta({
    title: "EMG 502 incident analysis",
    description: "Export of one incident's analysis (schemaVersion policy in README, section Exports).",
  });
export type AnalysisExport = z.infer<typeof AnalysisExport>;

/**
 * JSON Schema (draft 2020-12) of the export, as published. Objects stay open (no `additionalProperties: false`)
 * so that a consumer validating with it keeps working when fields are added under the same schemaVersion.
 */
export function analysisJsonSchema(id = "/api/schema/analysis.json"): Record<string, unknown> {
  const schema = z.toJSONSchema(AnalysisExport, {
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
    },
  });
  return { $id: id, ...schema };
}
