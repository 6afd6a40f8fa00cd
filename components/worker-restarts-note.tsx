import Link from "next/link";
import { fmtTs } from "@/lib/format";
import type { incidentWorkerRestarts } from "@/lib/incidents/worker-restarts";
import { contextHref } from "./log-lines";

const SHOWN = 6;

/**
 * Gateway workers that exited or started while the gateway was serving (lib/parsers/log/worker-restarts.ts): the one
 * cause of `socket hang up` at the gateway's clients that leaves no failure in the log, so it is named beside the
 * numbers.
 */
export function WorkerRestartsNote({
  incidentId,
  workers: { events, total },
  linkLines,
}: {
  incidentId: string;
  workers: ReturnType<typeof incidentWorkerRestarts>;
  linkLines: boolean;
}) {
  if (events.length === 0) return null;
  return (
    <div className="note" style={{ marginTop: ".8rem" }} data-testid="worker-restarts">
      <p style={{ margin: 0 }}>
        Gateway workers exited or started while the gateway was serving: a worker died (a crash, out of memory, killed),
        or the gateway was reloaded or stopped. Requests a worker had in flight when it exited end at their clients as{" "}
        <code>socket hang up</code> with no line in the log, and its connections to the targets close with it (the
        capture shows the gateway closing them at that moment).
      </p>
      <ul style={{ margin: ".4rem 0 0" }}>
        {events.slice(0, SHOWN).map((r) => {
          const where = `${r.fileName.split("/").pop()}, line ${r.lineNo}`;
          return (
            <li key={`${r.fileId}:${r.lineNo}`}>
              worker {r.worker} {r.event === "exit" ? "exited" : "started"} at {fmtTs(r.ts)} (
              {linkLines ? <Link href={contextHref(incidentId, r.fileId, r.lineNo)}>{where}</Link> : where})
            </li>
          );
        })}
        {total > SHOWN && <li className="muted">and {total - SHOWN} more</li>}
      </ul>
    </div>
  );
}
