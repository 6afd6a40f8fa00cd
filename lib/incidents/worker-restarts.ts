import type { IncidentView } from "@/lib/api/incident-schema";

/** Gateway workers started while serving, over the incident's parsed logs, earliest first (lib/parsers/log/worker-restarts.ts). */
export function incidentWorkerRestarts(view: Pick<IncidentView, "files">) {
  const logs = view.files.filter((f) => f.kind === "gateway-log" && f.status === "done");
  return {
    starts: logs
      .flatMap((f) => (f.counts.workerRestarts ?? []).map((r) => ({ ...r, fileId: f.id, fileName: f.name })))
      .sort((a, b) => a.ts - b.ts),
    total: logs.reduce((n, f) => n + (f.counts.workerRestartCount ?? 0), 0),
  };
}
