import { createReadStream } from "node:fs";
import { CaptureReader, type Packet } from "@/lib/parsers/pcap";
import { ConnectionTracker, classifyConnection, endpointLabel, TargetProfiler, type Connection, type Endpoint } from "@/lib/analysis/tcp";
import { crossingClose } from "@/lib/analysis/tcp/profile";
import { readFileCounts } from "@/lib/api/file-counts";
import { deleteConnectionRows, insertConnections, type ClassifiedConnection } from "@/lib/db/bulk-connections";
import { CloseBucketAggregator } from "@/lib/analysis/log-aggregates";
import type { FileCounts, FileJobContext } from "./context";
import type { FileKind, FileStatus } from "../file-kinds";

const BATCH = 500;
/** Crossing closes held for the second pass; past this many, the rest are judged on their own connection. */
const MAX_DEFERRED = 50_000;

/** Target endpoints named by any parsed config of the incident (proxies[].target). */
async function configTargets(ctx: FileJobContext): Promise<Endpoint[]> {
  const files = await ctx.db.bundleFile.findMany({ where: { incidentId: ctx.incidentId, kind: "gateway-config" satisfies FileKind, status: "done" satisfies FileStatus } });
  const out: Endpoint[] = [];
  for (const f of files) {
    const cfg = readFileCounts(f.counts).config;
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
  // Memory stays bounded by the connections still open: finished ones are written in batches. A close that
  // crosses a request is judged against its target's whole profile, so those few wait for the end of the file.
  const profiler = new TargetProfiler();
  const crossings: Connection[] = [];
  let pending: ClassifiedConnection[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await insertConnections(ctx.db, ctx.incidentId, ctx.file.id, rows);
  };
  const racesByTarget: Record<string, Record<string, number>> = {};
  const prematurePathsByTarget: Record<string, Record<string, number>> = {};
  const store = (c: Connection, profiles?: ReturnType<TargetProfiler["profiles"]>) => {
    const key = endpointLabel(c.target.host, c.target.port);
    const cls = classifyConnection(c, profiles?.get(key));
    byClass[cls.code] = (byClass[cls.code] ?? 0) + 1;
    const t = (byTargetClass[key] ??= {});
    t[cls.code] = (t[cls.code] ?? 0) + 1;
    const st = ((byTargetClassState[key] ??= {})[cls.code] ??= {});
    st[c.connState] = (st[c.connState] ?? 0) + 1;
    if (cls.race) { const r = (racesByTarget[key] ??= {}); r[cls.race] = (r[cls.race] ?? 0) + 1; }
    if (cls.code === "premature-close") {
      const path = c.exchanges[c.exchanges.length - 1]?.path?.split("?")[0] ?? "?";
      const r = (prematurePathsByTarget[key] ??= {});
      r[path] = (r[path] ?? 0) + 1;
    }
    // As stored: closeTs is the close time rounded to the millisecond.
    if (c.closer === "target" && c.closeUs !== null) closes.add(Math.round(c.closeUs / 1000), c.closeKind);
    connections++;
    pending.push({ ...c, cls });
  };
  const finish = (done: Connection[]) => {
    for (const c of done) {
      profiler.add(c);
      if (crossingClose(c) && crossings.length < MAX_DEFERRED) crossings.push(c);
      else store(c);
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
  const profiles = profiler.profiles();
  for (const c of crossings) store(c, profiles);
  await flush();
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
    targetProfiles: [...profiles.values()],
    racesByTarget,
    prematurePathsByTarget: topPaths(prematurePathsByTarget),
    warnings: reader.warnings.slice(0, 50),
  };
}

/** The most frequent paths per target, at most 20 each, most frequent first. */
function topPaths(byTarget: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(byTarget).map(([t, paths]) => [t, Object.fromEntries(Object.entries(paths).sort((a, b) => b[1] - a[1]).slice(0, 20))]));
}
