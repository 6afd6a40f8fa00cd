import Link from "next/link";
import { fmtTs } from "@/lib/format";
import type { incidentWorkerRestarts } from "@/lib/incidents/worker-restarts";
import { contextHref } from "./log-lines";

const SHOWN = 6;

/**
 * Gateway workers that exited or started while the gateway was serving (lib/parsers/log/worker-restarts.ts), and the
 * gateway started again as a new process (lib/incidents/worker-restarts.ts): the one cause of `socket hang up` at
 * the gateway's clients that leaves no failure in the log, so it is named beside the numbers.
 */
export function WorkerRestartsNote({
  incidentId,
  workers: { events, total, processes },
  linkLines,
}: {
  incidentId: string;
  workers: ReturnType<typeof incidentWorkerRestarts>;
  linkLines: boolean;
}) {
  if (events.length === 0 && processes.length === 0) return null;
  const line = (fileId: string, fileName: string, lineNo: number) => {
    const where = `${fileName.split("/").pop()}, line ${lineNo}`;
    return linkLines ? <Link href={contextHref(incidentId, fileId, lineNo)}>{where}</Link> : where;
  };
  return (
    <div className="note" style={{ marginTop: ".8rem" }} data-testid="worker-restarts">
      <p style={{ margin: 0 }}>
        {processes.length > 0
          ? "The gateway was stopped and started again: a new process writes a new log file, and nothing logs the stop. "
          : "Gateway workers exited or started while the gateway was serving: a worker died (a crash, out of memory, killed), or the gateway was reloaded or stopped. "}
        Requests {processes.length > 0 ? "the gateway" : "a worker"} had in flight when it exited end at their clients
        as <code>socket hang up</code> with no line in the log, and its connections to the targets close with it (the
        capture shows the gateway closing them at that moment).
      </p>
      <ul style={{ margin: ".4rem 0 0" }}>
        {processes.map((p) => (
          <li key={`${p.fileId}:start`}>
            the gateway on {p.host} started again at {fmtTs(p.ts)} (
            {p.lineNo === null ? p.fileName.split("/").pop() : line(p.fileId, p.fileName, p.lineNo)}); the process
            before wrote its last line at {fmtTs(p.lastTs)} ({p.lastFileName.split("/").pop()})
          </li>
        ))}
        {events.slice(0, SHOWN).map((r) => (
          <li key={`${r.fileId}:${r.lineNo}`}>
            worker {r.worker} {r.event === "exit" ? "exited" : "started"} at {fmtTs(r.ts)} (
            {line(r.fileId, r.fileName, r.lineNo)})
          </li>
        ))}
        {total > SHOWN && <li className="muted">and {total - SHOWN} more</li>}
      </ul>
    </div>
  );
}
