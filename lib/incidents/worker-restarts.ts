import type { IncidentView } from "@/lib/api/incident-schema";

/**
 * Gateway workers that exited, or started while the gateway was serving, over the incident's parsed logs, earliest
 * first (lib/parsers/log/worker-restarts.ts); `total` counts those past each file's first 50 too.
 */
export function incidentWorkerRestarts(view: Pick<IncidentView, "files">) {
  const logs = view.files.filter((f) => f.kind === "gateway-log" && f.status === "done");
  return {
    events: logs
      .flatMap((f) => (f.counts.workerRestarts ?? []).map((r) => ({ ...r, fileId: f.id, fileName: f.name })))
      .sort((a, b) => a.ts - b.ts),
    total: logs.reduce((n, f) => n + (f.counts.workerRestartCount ?? 0), 0),
  };
}
