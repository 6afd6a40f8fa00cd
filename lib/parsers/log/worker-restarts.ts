/**
 * Gateway workers that exited, and workers started while the gateway was already serving (docs/formats.md §1b).
 * edgemicro's cluster manager (cli/lib/reload-cluster.js) logs `handleWorkerExit N :: PID` (warn) when a worker
 * exits and `worker N is online ...` (info) for each worker it forks: the first set at start-up, and one more
 * whenever a worker dies (its successor) or the gateway reloads (a new set). A worker that dies logs nothing for the
 * requests it had in flight, so these lines are the log's only trace of requests lost that way (their clients saw
 * `socket hang up`).
 */
import type { LogItem } from "./types";

/** Exits and starts kept per file; the count goes on past it. */
export const MAX_WORKER_RESTARTS = 50;

export interface WorkerRestart {
  ts: number;
  event: "exit" | "start";
  /** The cluster's worker id, as the line gives it. */
  worker: string;
  lineNo: number;
}

const WORKER_ONLINE = /^worker (\d+) is online\b/;
const WORKER_EXIT = /^handleWorkerExit (\d+) ::/;
/** microgateway-core's line once a process (or a cluster's worker) listens: `UID edge micro listening on port 8000 uid=…`. */
const LISTENING = /^(?:\S+ )?edge micro listening on port\b/;

export class WorkerRestartTracker {
  /** The gateway has served (a request's event line or a worker's stats line came before): later starts are restarts. */
  private serving = false;
  readonly restarts: WorkerRestart[] = [];
  count = 0;
  /** The file's first `edge micro listening` line: when its gateway process started (a new process writes a new file). */
  listening: { ts: number; lineNo: number } | null = null;

  add(it: LogItem): void {
    if (it.kind === "event" || it.kind === "stats") {
      this.serving = true;
      return;
    }
    if (it.kind !== "record") return;
    if (!this.listening && LISTENING.test(it.text)) this.listening = { ts: it.ts, lineNo: it.lineNo };
    // An exit whenever it comes (a worker that dies at start-up too); a start only once the first set is serving.
    const exit = WORKER_EXIT.exec(it.text);
    const start = exit || !this.serving ? null : WORKER_ONLINE.exec(it.text);
    const m = exit ?? start;
    if (!m) return;
    this.count++;
    if (this.restarts.length < MAX_WORKER_RESTARTS)
      this.restarts.push({ ts: it.ts, event: exit ? "exit" : "start", worker: m[1], lineNo: it.lineNo });
  }
}
