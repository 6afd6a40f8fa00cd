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
/**
 * Open transactions kept at most: beyond it the oldest is emitted early (a later line of it then starts a second,
 * partial transaction). Real traffic reaches it only above ~800 transactions a second for the whole window; a log
 * whose time stands still (copies of one file) would otherwise hold every transaction until its end.
 */
export const DEFAULT_MAX_OPEN = 100_000;

/** A field is a slice of its log line: keep a copy, or an open transaction keeps its whole lines alive. */
const own = (s: string) => (s.length > 12 ? (" " + s).slice(1) : s);

const TARGET_SIDE = new Set([
  "targetRequest",
  "targetResponse",
  "targetResponse close",
  "targetRequest error",
  // the target's response ended before it was complete (its connection closed mid-response): Node's `aborted`
  "targetResponse error",
  "targetResponse aborted",
]);

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
      correlationId: own(e.correlationId),
      startTs: e.ts,
      endTs: e.ts,
      method: "",
      url: "",
      target: "",
      gatewayHost: "",
      clientIp: "",
      clientId: "",
      org: "",
      env: "",
      pid: "",
      status: null,
      targetStatus: null,
      targetAborted: false,
      clientAborted: false,
      errMessage: "",
      errCode: "",
      durationMs: null,
      firstLineNo: e.lineNo,
      firstOffset: e.offset,
      lineCount: 0,
    },
    lastTs: e.ts,
    orderTs: e.ts,
    statusRank: 0,
    sourceDuration: null,
    maxDuration: null,
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
  if (t.method === "") t.method = own(e.method);
  if (t.url === "") t.url = own(e.url);
  if (t.clientIp === "") t.clientIp = own(e.clientIp);
  if (t.clientId === "") t.clientId = own(e.clientId);
  if (t.org === "") t.org = own(e.org);
  if (t.env === "") t.env = own(e.env);
  if (t.pid === "") t.pid = own(e.pid);
  if (t.errMessage === "") t.errMessage = own(e.errMessage);
  if (t.errCode === "") t.errCode = own(e.errCode);
  const m = e.message;
  if (TARGET_SIDE.has(m)) {
    if (t.target === "") t.target = own(e.host);
    if ((m === "targetResponse" || m === "targetResponse close") && e.status !== null && t.targetStatus === null) {
      t.targetStatus = e.status;
    }
    if (m === "targetResponse aborted" || (m === "targetResponse error" && e.errMessage === "aborted"))
      t.targetAborted = true;
    if (m === "targetResponse" && e.status !== null && o.statusRank < 1) {
      t.status = e.status;
      o.statusRank = 1;
    }
  } else {
    if (t.gatewayHost === "") t.gatewayHost = own(e.host);
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
  // The client went away first: the gateway aborts the target request itself (info: `sourceResponse on close, source
  // request aborted - abort target request`), and a response it had begun ends aborted too.
  if (m.includes("source request aborted") || e.errMessage === "source request aborted") t.clientAborted = true;
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
  private readonly maxOpen: number;

  constructor(opts: { windowMs?: number; maxOpen?: number } = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_TX_WINDOW_MS;
    this.maxOpen = opts.maxOpen ?? DEFAULT_MAX_OPEN;
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
      this.open.set(n.tx.correlationId, n);
      this.queue.push(n);
    } else {
      apply(o, e);
    }
    const done = this.drain();
    if (this.open.size > this.maxOpen) done.push(this.emitOldest());
    return done;
  }

  /** The transaction at the head of the queue, final now (only when too many are open). */
  private emitOldest(): Transaction {
    const o = this.queue[this.head];
    this.queue[this.head++] = undefined as unknown as Open; // emitted: nothing may keep it alive
    this.open.delete(o.tx.correlationId);
    this.compact();
    return finish(o);
  }

  /** Drops the emitted head of the queue once it is most of the array. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
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
    this.compact();
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
