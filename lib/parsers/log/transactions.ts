/**
 * Stitches event lines into transactions by correlation id. Memory stays flat: a transaction
 * is emitted once its last line is more than `windowMs` (log time) older than the newest line seen
 * (at most `windowMs / 16` later than that while an older one ahead of it is still due soon, or
 * one more window later when it was requeued). Log time is assumed to be close to monotonic.
 * `durationMs`: the sourceResponse duration, else the largest duration on any line, else
 * `endTs - startTs` when there are several lines.
 */
import type { EventLine, Transaction } from "./types";

export const DEFAULT_TX_WINDOW_MS = 120_000;

const TARGET_SIDE = new Set(["targetRequest", "targetResponse", "targetResponse close", "targetRequest error"]);

interface Open {
  tx: Transaction;
  lastTs: number;
  /** Log time that placed this entry in the queue: its first line, or its last line when requeued. */
  orderTs: number;
  /** Rank of the line that set `status`: 3 sourceResponse, 2 core/errors line, 1 targetResponse. */
  statusRank: number;
  sourceDuration: number | null;
  maxDuration: number | null;
}

function newOpen(e: EventLine): Open {
  return {
    tx: {
      correlationId: e.correlationId, startTs: e.ts, endTs: e.ts, method: "", url: "", target: "",
      gatewayHost: "", clientIp: "", clientId: "", org: "", env: "", pid: "", status: null,
      targetStatus: null, errMessage: "", errCode: "", durationMs: null,
      firstLineNo: e.lineNo, firstOffset: e.offset, lineCount: 0,
    },
    lastTs: e.ts, orderTs: e.ts, statusRank: 0, sourceDuration: null, maxDuration: null,
  };
}

function apply(o: Open, e: EventLine): void {
  const t = o.tx;
  t.lineCount++;
  if (e.ts < t.startTs) t.startTs = e.ts;
  if (e.ts > t.endTs) t.endTs = e.ts;
  if (e.ts > o.lastTs) o.lastTs = e.ts;
  if (e.lineNo < t.firstLineNo) {
    t.firstLineNo = e.lineNo;
    t.firstOffset = e.offset;
  }
  if (t.method === "") t.method = e.method;
  if (t.url === "") t.url = e.url;
  if (t.clientIp === "") t.clientIp = e.clientIp;
  if (t.clientId === "") t.clientId = e.clientId;
  if (t.org === "") t.org = e.org;
  if (t.env === "") t.env = e.env;
  if (t.pid === "") t.pid = e.pid;
  if (t.errMessage === "") t.errMessage = e.errMessage;
  if (t.errCode === "") t.errCode = e.errCode;
  const m = e.message;
  if (TARGET_SIDE.has(m)) {
    if (t.target === "") t.target = e.host;
    if ((m === "targetResponse" || m === "targetResponse close") && e.status !== null && t.targetStatus === null) {
      t.targetStatus = e.status;
    }
    if (m === "targetResponse" && e.status !== null && o.statusRank < 1) {
      t.status = e.status;
      o.statusRank = 1;
    }
  } else {
    if (t.gatewayHost === "") t.gatewayHost = e.host;
    if (e.status !== null) {
      if (m === "sourceResponse" && o.statusRank < 3) {
        t.status = e.status;
        o.statusRank = 3;
      } else if ((e.component === "microgateway-core" || e.component === "errors-middleware") && o.statusRank < 2) {
        t.status = e.status;
        o.statusRank = 2;
      }
    }
    if (m === "sourceResponse" && e.durationMs !== null) o.sourceDuration = e.durationMs;
  }
  if (e.durationMs !== null && (o.maxDuration === null || e.durationMs > o.maxDuration)) o.maxDuration = e.durationMs;
}

function finish(o: Open): Transaction {
  const t = o.tx;
  t.durationMs = o.sourceDuration ?? o.maxDuration ?? (t.lineCount > 1 ? t.endTs - t.startTs : null);
  return t;
}

export class TransactionStitcher {
  /** Open transactions by correlation id. */
  private open = new Map<string, Open>();
  /**
   * The same transactions in a FIFO ordered by `orderTs` (log time is close to monotonic).
   * A plain array with a head index: Map iteration would re-skip deleted slots on every drain.
   */
  private queue: Open[] = [];
  private head = 0;
  private newestTs = -Infinity;
  private readonly windowMs: number;

  constructor(opts: { windowMs?: number } = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_TX_WINDOW_MS;
  }

  /** Number of transactions still open. */
  get size(): number {
    return this.open.size;
  }

  /** Adds one event line; returns the transactions that became final (often none). */
  add(e: EventLine): Transaction[] {
    if (e.ts > this.newestTs) this.newestTs = e.ts;
    if (e.correlationId === "") {
      const o = newOpen(e);
      apply(o, e);
      const done = this.drain();
      done.push(finish(o));
      return done;
    }
    const o = this.open.get(e.correlationId);
    if (o === undefined) {
      const n = newOpen(e);
      apply(n, e);
      this.open.set(e.correlationId, n);
      this.queue.push(n);
    } else {
      apply(o, e);
    }
    return this.drain();
  }

  /** Transactions whose last line is more than the window older than the newest line seen. */
  drain(): Transaction[] {
    const cutoff = this.newestTs - this.windowMs;
    const q = this.queue;
    if (this.head >= q.length || q[this.head].orderTs >= cutoff) return [];
    const out: Transaction[] = [];
    while (this.head < q.length) {
      const o = q[this.head];
      if (o.orderTs >= cutoff) break;
      if (o.lastTs < cutoff) {
        this.head++;
        this.open.delete(o.tx.correlationId);
        out.push(finish(o));
      } else if (o.lastTs - cutoff < this.windowMs / 16) {
        break; // due soon: wait for it rather than requeue it a whole window late
      } else {
        this.head++;
        o.orderTs = o.lastTs; // active much later: move it to the back
        q.push(o);
      }
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** All remaining transactions (end of input). */
  flush(): Transaction[] {
    const out: Transaction[] = [];
    for (let i = this.head; i < this.queue.length; i++) out.push(finish(this.queue[i]));
    this.open.clear();
    this.queue = [];
    this.head = 0;
    return out;
  }
}
