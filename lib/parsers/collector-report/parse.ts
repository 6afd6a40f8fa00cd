/**
 * The report the collector packs into every bundle (`emg-collect-report.txt`, written by lib/collector/main.ts): where
 * it found the config and logs, the capture's filter and why it stopped, and tcpdump's own counts as it exited. Pure.
 */
import { z } from "zod";

/** Its first line: `emg-collect on HOST at 2026-12-04T04:37:43.134Z`. */
export const REPORT_FIRST_LINE = /^emg-collect on (\S+) at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s*$/;
/** Larger is no report of ours: only its first bytes are read. */
export const REPORT_MAX_BYTES = 64 * 1024;

const count = z.number().int().nonnegative().nullable();
export const CollectorReport = z.object({
  host: z.string(),
  at: z.string(),
  config: z.string().nullable(),
  logs: z.string().nullable(),
  captureFilter: z.string().nullable(),
  /** Why the capture ended (`duration`, `502s`, `interrupted`) and the new 502s logged meanwhile; null: no capture. */
  captureStopped: z.string().nullable(),
  /** tcpdump's counts as it exited (null: not printed, `?` in the report). */
  tcpdump: z.object({ captured: count, received: count, droppedByKernel: count }).nullable(),
  warnings: z.array(z.string()),
  /** Redactions the collector made on the host, one line each (`file: rule ×n (lines …)`). */
  redactedOnHost: z.array(z.string()),
});
export type CollectorReport = z.infer<typeof CollectorReport>;

const num = (s: string | undefined) => (s === undefined || s === "?" ? null : Number(s));

/** Null when the text is not such a report (its first line says). */
export function parseCollectorReport(text: string): CollectorReport | null {
  const lines = text.split(/\r?\n/);
  const head = REPORT_FIRST_LINE.exec(lines[0] ?? "");
  if (!head) return null;
  const report: CollectorReport = {
    host: head[1],
    at: head[2],
    config: null,
    logs: null,
    captureFilter: null,
    captureStopped: null,
    tcpdump: null,
    warnings: [],
    redactedOnHost: [],
  };
  let inRedacted = false;
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    if (inRedacted) {
      if (line.trim() !== "(nothing)") report.redactedOnHost.push(line.trim());
      continue;
    }
    const m = /^([a-z ]+):(?: (.*))?$/.exec(line);
    const value = m?.[2]?.trim() ?? "";
    switch (m?.[1]) {
      case "config":
        report.config = value;
        break;
      case "logs":
        report.logs = value;
        break;
      case "capture filter":
        report.captureFilter = value;
        break;
      case "capture stopped":
        report.captureStopped = value;
        break;
      case "tcpdump": {
        const t = /^(\d+|\?) packets captured, (\d+|\?) received by filter, (\d+|\?) dropped by kernel/.exec(value);
        if (t) report.tcpdump = { captured: num(t[1]), received: num(t[2]), droppedByKernel: num(t[3]) };
        break;
      }
      case "warning":
        report.warnings.push(value);
        break;
      case "redacted":
        inRedacted = true;
        break;
    }
  }
  return CollectorReport.parse(report);
}
