import { redactText } from "@/lib/redact";
import { parseCollectorReport, REPORT_MAX_BYTES } from "@/lib/parsers/collector-report/parse";
import type { FileCounts, FileJobContext } from "./context";

/**
 * The collector's report: small, read whole (its first REPORT_MAX_BYTES) and kept as counts only. Redacted first
 * like any text a customer's host wrote, though the collector puts no secret in it.
 */
export async function readCollectorReport(ctx: FileJobContext): Promise<FileCounts> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of ctx.store.openRead(ctx.file.sha256, 0, REPORT_MAX_BYTES - 1)) {
    chunks.push(c as Buffer);
    bytes += (c as Buffer).length;
  }
  ctx.progress(bytes);
  const report = parseCollectorReport(redactText(Buffer.concat(chunks).toString("utf8")).text);
  if (!report) throw new Error("Not an emg-collect report: its first line is not `emg-collect on HOST at TIME`.");
  return { collectorReport: report };
}
