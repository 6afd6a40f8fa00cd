/** Which uploaded files the diagnosis could not fully use, and why, for the banner at the top of the incident page (pure). */
import type { IncidentView } from "@/lib/api/incident-schema";
import { isArchiveKind, isCaptureKind, isPending } from "@/lib/ingest/file-kinds";

type File = IncidentView["files"][number];
export interface InputProblem {
  fileId: string;
  name: string;
  status: File["status"];
  reason: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function reasons(f: File): string[] {
  if (f.status === "failed") return [f.error ?? "Could not be read."];
  // A copy of another file (lib/ingest/bundle.ts) is no problem: the diagnosis reads the original.
  if (f.status === "skipped") return f.counts.duplicateOf ? [] : [f.error ?? "Not recognized; kept but not parsed."];
  if (f.status !== "done") return [];
  const out: string[] = [];
  // A file read in part carries the ingest's note (e.g. a capture cut inside a record).
  if (f.error) out.push(f.error);
  const c = f.counts;
  // Frames captured twice are no loss: each copy is left out, the file's line counts them (components/file-list.tsx).
  const partial = c.warnings?.filter((w) => w.code !== "frame-copies") ?? [];
  if (isCaptureKind(f.kind) && !f.error && partial.length)
    out.push(
      `Read only in part: ${partial
        .map((w) => w.message)
        .filter(Boolean)
        .join("; ")}`,
    );
  const dropped = c.collectorReport?.tcpdump?.droppedByKernel ?? 0;
  if (dropped > 0)
    out.push(
      `tcpdump lost ${plural(dropped, "packet", "packets")} while capturing (dropped by the kernel, its buffer full): connections that lost theirs are marked unknown, and the verdict may be unsure. Capture again when the gateway host is less busy.`,
    );
  if (f.kind === "gateway-log" && (c.malformed ?? 0) > 0)
    out.push(`${plural(c.malformed!, "line was", "lines were")} not understood as gateway log lines.`);
  return out;
}

export function inputProblems(files: File[]): InputProblem[] {
  return files.flatMap((f) => reasons(f).map((reason) => ({ fileId: f.id, name: f.name, status: f.status, reason })));
}

/** True when parsing is over and not one file (archives aside: they only hold files) gave the diagnosis anything. */
export function nothingUsable(files: File[]): boolean {
  const leaves = files.filter((f) => !isArchiveKind(f.kind));
  if (files.some((f) => isPending(f.status))) return false;
  return files.length > 0 && leaves.every((f) => f.status === "failed" || f.status === "skipped");
}
