/** Which uploaded files the diagnosis could not fully use, and why, for the banner at the top of the incident page (pure). */
import type { IncidentView } from "@/lib/api/incident-schema";

type File = IncidentView["files"][number];
export interface InputProblem { fileId: string; name: string; status: File["status"]; reason: string }

const ARCHIVES = new Set(["zip", "tar", "gzip"]);
const CAPTURES = new Set(["pcap", "pcapng"]);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function reasons(f: File): string[] {
  if (f.status === "failed") return [f.error ?? "Could not be read."];
  if (f.status === "skipped") return [f.error ?? "Not recognized; kept but not parsed."];
  if (f.status !== "done") return [];
  const out: string[] = [];
  // A file read in part carries the ingest's note (e.g. a capture cut inside a record).
  if (f.error) out.push(f.error);
  const c = f.counts;
  if (CAPTURES.has(f.kind) && !f.error && c.warnings?.length) out.push(`Read only in part: ${c.warnings.map((w) => w.message).filter(Boolean).join("; ")}`);
  if (f.kind === "gateway-log" && (c.malformed ?? 0) > 0) out.push(`${plural(c.malformed!, "line was", "lines were")} not understood as gateway log lines.`);
  return out;
}

export function inputProblems(files: File[]): InputProblem[] {
  return files.flatMap((f) => reasons(f).map((reason) => ({ fileId: f.id, name: f.name, status: f.status, reason })));
}

/** True when parsing is over and not one file (archives aside: they only hold files) gave the diagnosis anything. */
export function nothingUsable(files: File[]): boolean {
  const leaves = files.filter((f) => !ARCHIVES.has(f.kind));
  if (files.some((f) => f.status === "queued" || f.status === "parsing")) return false;
  return files.length > 0 && leaves.every((f) => f.status === "failed" || f.status === "skipped");
}
