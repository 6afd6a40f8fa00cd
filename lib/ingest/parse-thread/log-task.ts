import type { IssueRow, StatsRow, TransactionRow } from "@/lib/db/bulk";
import { LogLineParser, StatsAccumulator, TransactionStitcher, type Transaction } from "@/lib/parsers/log";
import { openLineIndexSink } from "@/lib/explore/line-index-file";
import { LogAggregator } from "@/lib/analysis/log-aggregates";
import { WorkerRestartTracker } from "@/lib/parsers/log/worker-restarts";
import type { BlobStore } from "../blobs";
import { redactToStore } from "../redact-blob";
import type { LogResult, ParseFile, TaskIo } from "./protocol";

/** Parse thread: a log is redacted, parsed, stitched into transactions and line-indexed in one read; rows go out in batches. */

const BATCH = 5000;
const MAX_STORED_ISSUES = 200;

/** First URL segment: the proxy's base path when no config names it. */
function basePathOf(url: string): string | null {
  const seg = url.split(/[/?]/, 1)[0];
  return seg ? `/${seg}` : null;
}

function toRow(t: Transaction): TransactionRow {
  return {
    correlationId: t.correlationId,
    startTs: t.startTs,
    endTs: t.endTs,
    method: t.method,
    url: t.url,
    proxy: basePathOf(t.url),
    target: t.target || null,
    status: t.status,
    errMessage: t.errMessage || null,
    errCode: t.errCode || null,
    durationMs: t.durationMs,
    lineNo: t.firstLineNo,
    byteOffset: t.firstOffset,
    lineCount: t.lineCount,
  };
}

export async function parseLog(store: BlobStore, file: ParseFile, io: TaskIo): Promise<LogResult> {
  const parser = new LogLineParser();
  const stitcher = new TransactionStitcher();
  const stats = new StatsAccumulator();
  const counts = {
    lines: 0,
    events: 0,
    targetRequests: 0,
    stats: 0,
    records: 0,
    console: 0,
    malformed: 0,
    transactions: 0,
    org: "",
    env: "",
    firstTs: 0,
    lastTs: 0,
    levels: {} as Record<string, number>,
  };
  let txBuf: TransactionRow[] = [];
  let statsBuf: StatsRow[] = [];
  const issues: IssueRow[] = [];
  const aggregates = new LogAggregator();
  const restarts = new WorkerRestartTracker();

  const flushTx = async (list: Transaction[], force = false) => {
    // At most BATCH rows wait at a time: the end of a file can hand over tens of thousands of transactions at once.
    for (const t of list) {
      const row = toRow(t);
      txBuf.push(row);
      // A literal, not `{ ...row, … }`: Node 20 spent ~6 µs on each such spread, a third of the parse
      // thread's CPU on a log (docs/benchmark.md, 2026-12-04).
      // A response the gateway aborted because its client left is not one the target cut short.
      aggregates.add({
        startTs: row.startTs,
        status: row.status,
        errCode: row.errCode,
        errMessage: row.errMessage,
        target: row.target,
        proxy: row.proxy,
        durationMs: row.durationMs,
        targetStatus: t.targetStatus,
        targetAborted: t.targetAborted && !t.clientAborted,
        clientAborted: t.clientAborted,
      });
      if (txBuf.length >= BATCH) {
        await io.emit({ table: "transactions", rows: txBuf });
        txBuf = [];
      }
    }
    counts.transactions += list.length;
    if (force && txBuf.length) {
      await io.emit({ table: "transactions", rows: txBuf });
      txBuf = [];
    }
    if (statsBuf.length >= BATCH || (force && statsBuf.length)) {
      await io.emit({ table: "stats", rows: statsBuf });
      statsBuf = [];
    }
  };

  const consume = async (items: ReturnType<LogLineParser["push"]>) => {
    const finished: Transaction[] = [];
    for (const it of items) {
      lineIndex.add(it); // log explorer: one row per line, on disk (not in the database)
      counts.lines++;
      if (it.kind === "malformed") {
        counts.malformed++;
        if (issues.length < MAX_STORED_ISSUES)
          issues.push({ lineNo: it.lineNo, byteOffset: it.offset, reason: it.reason, excerpt: it.excerpt });
        continue;
      }
      restarts.add(it);
      if (!counts.firstTs || it.ts < counts.firstTs) counts.firstTs = it.ts;
      if (it.ts > counts.lastTs) counts.lastTs = it.ts;
      if (it.kind === "event") {
        counts.events++;
        counts.levels[it.level] = (counts.levels[it.level] ?? 0) + 1;
        if (it.message === "targetRequest") counts.targetRequests++;
        if (!counts.org && it.org) counts.org = it.org;
        if (!counts.env && it.env) counts.env = it.env;
        stats.observe(it);
        const done = stitcher.add(it);
        if (done) finished.push(...done);
      } else if (it.kind === "stats") {
        counts.stats++;
        const d = stats.add(it);
        statsBuf.push({
          ts: it.ts,
          pid: it.pid,
          requests: d.requests,
          responses: d.responses,
          s5xx: d.s5,
          treqErrors: d.treqErrors,
          tresErrors: d.tresErrors,
        });
      } else if (it.kind === "record") counts.records++;
      else counts.console++;
    }
    await flushTx(finished);
  };

  // Secrets never outlive ingest: the stored log becomes its redacted copy, and the parser reads the
  // redacted chunks in the same pass (one read of the upload, one write of the redacted blob).
  const lineIndex = await openLineIndexSink(store, file.id);
  let read = 0;
  const redacted = await redactToStore(store, file.sha256, {
    tag: file.id,
    onChunk: async (chunk) => {
      read += chunk.length;
      await consume(parser.push(chunk));
      io.progress(read);
    },
  });
  await consume(parser.end());
  await lineIndex.finish({ sha256: redacted.put.sha256, size: redacted.put.size });
  await flushTx(stitcher.flush(), true);
  const { levels, ...rest } = counts;
  return {
    kind: "log",
    counts: {
      ...rest,
      levels,
      statsTotals: stats.totals(),
      workerRestarts: restarts.restarts,
      workerRestartCount: restarts.count,
      ...(restarts.listening ? { gatewayStart: restarts.listening } : {}),
    },
    redacted,
    issues,
    buckets: aggregates.bucketRows(),
    targets: aggregates.targetRows(),
  };
}
