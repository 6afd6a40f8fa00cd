import type { IncidentView } from "@/lib/api/incident-schema";
import { GATEWAY_PROCESS } from "@/lib/analysis/chart-data";

type LogFile = IncidentView["files"][number];

/**
 * One gateway process's log: `edgemicro-HOST-UID-N-api.log` (docs/formats.md §1). microgateway-core takes a new uid
 * in every process it starts, so a gateway stopped and started again (not a cluster's worker: the primary stays)
 * writes a new file; N counts one process's rotations.
 */
const PROCESS_LOG = /^edgemicro-(.+)-([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})-\d+-api\.log(?:\.gz)?$/i;

/** A gateway process started on a host after another one there had stopped (its last line). */
export interface GatewayProcessRestart {
  host: string;
  /** The previous process's last line, and its file. */
  lastTs: number;
  lastFileName: string;
  /** The new process's `edge micro listening` line (or its file's first line at a level that omits it). */
  ts: number;
  fileId: string;
  fileName: string;
  lineNo: number | null;
}

/**
 * Gateway processes started again on one host, over the incident's parsed logs: a process whose first line comes
 * after the last line of another's on the same host. Logs of one process (its rotations) count as one; processes
 * that overlap in time are two gateways on that host, not a restart.
 */
export function gatewayProcessRestarts(logs: LogFile[]): GatewayProcessRestart[] {
  const processes = new Map<string, { host: string; start: number; end: number; first: LogFile; last: LogFile }>();
  for (const f of logs) {
    const m = PROCESS_LOG.exec(f.name.split("/").pop() ?? "");
    const { firstTs, lastTs, gatewayStart } = f.counts;
    if (!m || !firstTs || !lastTs) continue;
    const start = Math.min(gatewayStart?.ts ?? firstTs, firstTs);
    const key = `${m[1]}\n${m[2].toLowerCase()}`;
    const p = processes.get(key);
    if (!p) processes.set(key, { host: m[1], start, end: lastTs, first: f, last: f });
    else {
      if (start < p.start) Object.assign(p, { start, first: f });
      if (lastTs > p.end) Object.assign(p, { end: lastTs, last: f });
    }
  }
  const byStart = [...processes.values()].sort((a, b) => a.start - b.start);
  return byStart.flatMap((p, i) => {
    const prev = byStart.slice(0, i).findLast((q) => q.host === p.host);
    if (!prev || p.start < prev.end) return [];
    return [
      {
        host: p.host,
        lastTs: prev.end,
        lastFileName: prev.last.name,
        ts: p.start,
        fileId: p.first.id,
        fileName: p.first.name,
        lineNo: p.first.counts.gatewayStart?.lineNo ?? null,
      },
    ];
  });
}

/**
 * Gateway workers that exited, or started while the gateway was serving, over the incident's parsed logs, earliest
 * first (lib/parsers/log/worker-restarts.ts); `total` counts those past each file's first 50 too. `processes`: the
 * gateway stopped and started again as a new process (a new log file).
 */
export function incidentWorkerRestarts(view: Pick<IncidentView, "files">) {
  const logs = view.files.filter((f) => f.kind === "gateway-log" && f.status === "done");
  return {
    events: logs
      .flatMap((f) => (f.counts.workerRestarts ?? []).map((r) => ({ ...r, fileId: f.id, fileName: f.name })))
      .sort((a, b) => a.ts - b.ts),
    total: logs.reduce((n, f) => n + (f.counts.workerRestartCount ?? 0), 0),
    processes: gatewayProcessRestarts(logs),
  };
}

/** The timeline's marker events: each worker's exit or start, and each process restart as the gateway's stop and start. */
export function restartMarkerEvents({ events, processes }: ReturnType<typeof incidentWorkerRestarts>) {
  return [
    ...events,
    ...processes.flatMap((p) => [
      { ts: p.lastTs, event: "exit" as const, worker: GATEWAY_PROCESS },
      { ts: p.ts, event: "start" as const, worker: GATEWAY_PROCESS },
    ]),
  ];
}
