import { createReadStream } from "node:fs";
import { CaptureReader, type Packet } from "@/lib/parsers/pcap";
import { ConnectionTracker, classifyConnection, IdleTimeoutEstimator, type Connection, type Endpoint } from "@/lib/analysis/tcp";
import type { GatewayConfig } from "@/lib/parsers/config";
import { deleteConnectionRows, endpointKey, insertConnections, type ClassifiedConnection } from "@/lib/db/bulk-connections";
import { CloseBucketAggregator } from "@/lib/analysis/log-aggregates";
import type { FileCounts, FileJobContext } from "./context";

const BATCH = 500;

/** Target endpoints named by any parsed config of the incident (proxies[].target). */
async function configTargets(ctx: FileJobContext): Promise<Endpoint[]> {
  const files = await ctx.db.bundleFile.findMany({ where: { incidentId: ctx.incidentId, kind: "gateway-config", status: "done" } });
  const out: Endpoint[] = [];
  for (const f of files) {
    const cfg = (f.counts as { config?: GatewayConfig } | null)?.config;
    for (const p of cfg?.proxies ?? []) if (p.target) out.push({ host: p.target.host, port: p.target.port });
  }
  return out;
}

/** Reads a capture end to end: packets → TCP connections, classified and stored; counts, time range, warnings, idle timeout. */
export async function parseCaptureFile(ctx: FileJobContext): Promise<FileCounts> {
  await deleteConnectionRows(ctx.db, ctx.file.id);
  const reader = new CaptureReader();
  const tracker = new ConnectionTracker({ targets: await configTargets(ctx) });
  let tcpPackets = 0;
  let firstTs = 0;
  let lastTs = 0;
  let read = 0;
  let connections = 0;
  const byClass: Record<string, number> = {};
  // Precomputed for the incident page (no scan of TcpConnection there): connections per target and class,
  // target-sent closes per time bucket.
  const byTargetClass: Record<string, Record<string, number>> = {};
  // The same split by connection state as well: the connections list counts any filter from it.
  const byTargetClassState: Record<string, Record<string, Record<string, number>>> = {};
  const closes = new CloseBucketAggregator();
  // Memory stays bounded by the connections still open: finished ones are written in batches, and the
  // idle-timeout inference keeps one number per target-first close.
  const idle = new IdleTimeoutEstimator();
  let pending: ClassifiedConnection[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await insertConnections(ctx.db, ctx.incidentId, ctx.file.id, rows);
  };
  const finish = (done: Connection[]) => {
    for (const c of done) {
      const cls = classifyConnection(c);
      byClass[cls.code] = (byClass[cls.code] ?? 0) + 1;
      const t = (byTargetClass[endpointKey(c.target.host, c.target.port)] ??= {});
      t[cls.code] = (t[cls.code] ?? 0) + 1;
      const st = ((byTargetClassState[endpointKey(c.target.host, c.target.port)] ??= {})[cls.code] ??= {});
      st[c.connState] = (st[c.connState] ?? 0) + 1;
      // As stored: closeTs is the close time rounded to the millisecond.
      if (c.closer === "target" && c.closeUs !== null) closes.add(Math.round(c.closeUs / 1000), c.closeKind);
      connections++;
      pending.push({ ...c, cls });
      idle.add(c, cls.code);
    }
  };
  const take = (packets: Packet[]) => {
    for (const p of packets) {
      tcpPackets++;
      const ms = p.tsUs / 1000;
      if (!firstTs || ms < firstTs) firstTs = ms;
      if (ms > lastTs) lastTs = ms;
      finish(tracker.add(p));
    }
  };
  for await (const chunk of createReadStream(ctx.store.pathOf(ctx.file.sha256), { highWaterMark: 1 << 20 })) {
    read += (chunk as Buffer).length;
    take(reader.push(chunk as Buffer));
    if (pending.length >= BATCH) await flush();
    ctx.progress(read);
  }
  take(reader.end());
  finish(tracker.end());
  await flush();
  const idleTimeouts = idle.estimates();
  return {
    frames: reader.frames,
    tcpPackets,
    firstTs: Math.floor(firstTs),
    lastTs: Math.ceil(lastTs),
    connections,
    byClass,
    byTargetClass,
    byTargetClassState,
    closeBuckets: closes.result(),
    idleTimeouts,
    warnings: reader.warnings.slice(0, 50),
  };
}
