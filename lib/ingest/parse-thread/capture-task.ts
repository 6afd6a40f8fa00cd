import { createReadStream } from "node:fs";
import { CaptureReader, type Packet } from "@/lib/parsers/pcap";
import {
  ConnectionTracker,
  classifyConnection,
  endpointLabel,
  TargetProfiler,
  type Connection,
  type Endpoint,
} from "@/lib/analysis/tcp";
import { crossingClose } from "@/lib/analysis/tcp/profile";
import { truncated } from "@/lib/analysis/tcp/bursts";
import type { StoredConnection } from "@/lib/db/bulk-connections";
import { dataDirOf } from "@/lib/explore/line-index-file";
import { exchangesPath, ExchangesSink } from "@/lib/incidents/exchanges-file";
import { CloseBucketAggregator } from "@/lib/analysis/log-aggregates";
import type { BlobStore } from "../blobs";
import { READ_CHUNK_BYTES, type CaptureResult, type ParseFile, type TaskIo } from "./protocol";

const BATCH = 500;
/** Crossing closes held for the second pass; past this many, the rest are judged on their own connection. */
const MAX_DEFERRED = 50_000;

/** Parse thread: reads a capture end to end: packets → TCP connections, classified and sent in batches; counts, time range, warnings, idle timeout. */
export async function parseCapture(
  store: BlobStore,
  file: ParseFile,
  configTargets: Endpoint[],
  io: TaskIo,
): Promise<CaptureResult> {
  const reader = new CaptureReader();
  // No ladders at ingest: a connection's is read back from the capture by its offsets when opened (#18).
  const tracker = new ConnectionTracker({ targets: configTargets, ladders: false });
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
  let pending: StoredConnection[] = [];
  // Each connection's exchanges go to a file of their own, the rows only say where (#18).
  const exchanges = new ExchangesSink(exchangesPath(dataDirOf(store), file.id));
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    exchanges.flush();
    await io.emit({ table: "connections", rows });
  };
  const racesByTarget: Record<string, Record<string, number>> = {};
  const prematureByTarget: Record<string, Record<string, number>> = {};
  const prematurePathsByTarget: Record<string, Record<string, number>> = {};
  const tlsFailuresByTarget: Record<string, Record<string, number>> = {};
  // The gateway's own closes of a pending request, by their quiet before (10 ms steps): its timeouts idle that long.
  const gatewayCloseQuietByTarget: Record<string, Record<string, number>> = {};
  // Frames the capture holds twice (two interfaces, both sides of a NAT): left out of the connections, counted for the file.
  let frameCopies = 0;
  let firstCopy: Connection["firstCopy"] = null;
  const keep = (c: Connection, profiles?: ReturnType<TargetProfiler["profiles"]>) => {
    const key = endpointLabel(c.target.host, c.target.port);
    const cls = classifyConnection(c, profiles?.get(key), lastTs * 1000);
    byClass[cls.code] = (byClass[cls.code] ?? 0) + 1;
    const t = (byTargetClass[key] ??= {});
    t[cls.code] = (t[cls.code] ?? 0) + 1;
    const st = ((byTargetClassState[key] ??= {})[cls.code] ??= {});
    st[c.connState] = (st[c.connState] ?? 0) + 1;
    if (cls.race) {
      const r = (racesByTarget[key] ??= {});
      r[cls.race] = (r[cls.race] ?? 0) + 1;
    }
    if (cls.premature) {
      const r = (prematureByTarget[key] ??= {});
      r[cls.premature] = (r[cls.premature] ?? 0) + 1;
    }
    if (cls.tls) {
      const r = (tlsFailuresByTarget[key] ??= {});
      r[cls.tls] = (r[cls.tls] ?? 0) + 1;
    }
    if (cls.code === "premature-close") {
      const path = c.exchanges[c.exchanges.length - 1]?.path?.split("?")[0] ?? "?";
      const r = (prematurePathsByTarget[key] ??= {});
      r[path] = (r[path] ?? 0) + 1;
    }
    if (cls.code === "gateway-close" && c.closeQuietMs !== null) {
      const r = (gatewayCloseQuietByTarget[key] ??= {});
      const step = String(Math.floor(c.closeQuietMs / 10) * 10);
      r[step] = (r[step] ?? 0) + 1;
    }
    // As stored: closeTs is the close time rounded to the millisecond.
    if (c.closer === "target" && c.closeUs !== null) closes.add(Math.round(c.closeUs / 1000), c.closeKind);
    connections++;
    frameCopies += c.copies;
    if (c.firstCopy && (!firstCopy || c.firstCopy.frame < firstCopy.frame)) firstCopy = c.firstCopy;
    const { exchanges: list, ladder: _ladder, ...rest } = c;
    const unanswered = list.find((e) => !e.complete && e.reqTsUs !== null);
    pending.push({
      ...rest,
      cls,
      exchanges: exchanges.add(list),
      pendingReqMs: unanswered?.reqTsUs != null ? unanswered.reqTsUs / 1000 : null,
    });
  };
  const finish = (done: Connection[]) => {
    for (const c of done) {
      profiler.add(c);
      if (crossingClose(c) && crossings.length < MAX_DEFERRED) crossings.push(c);
      else keep(c);
    }
  };
  // The first TCP payload the snap length cut: from there on exchanges are read by timing (lib/analysis/tcp/bursts.ts).
  let cut: Packet | null = null;
  const take = (packets: Packet[]) => {
    for (const p of packets) {
      tcpPackets++;
      if (cut === null && truncated(p)) cut = p;
      const ms = p.tsUs / 1000;
      if (!firstTs || ms < firstTs) firstTs = ms;
      if (ms > lastTs) lastTs = ms;
      finish(tracker.add(p));
    }
  };
  for await (const chunk of createReadStream(store.pathOf(file.sha256), { highWaterMark: READ_CHUNK_BYTES })) {
    read += (chunk as Buffer).length;
    take(reader.push(chunk as Buffer));
    if (pending.length >= BATCH) await flush();
    io.progress(read);
  }
  take(reader.end());
  finish(tracker.end());
  const profiles = profiler.profiles();
  for (const c of crossings) keep(c, profiles);
  await flush();
  // The capture's own notes first, then the reader's, 50 in all.
  const ours = [...(cut ? [snapWarning(cut)] : []), ...(firstCopy ? [copiesWarning(frameCopies, firstCopy)] : [])];
  return {
    kind: "capture",
    counts: {
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
      prematureByTarget,
      prematurePathsByTarget: topPaths(prematurePathsByTarget),
      tlsFailuresByTarget,
      gatewayCloseQuietByTarget,
      frameCopies,
      warnings: [...ours, ...reader.warnings.slice(0, 50 - ours.length)],
      // Where the header blocks lie, for reading a connection's frames back from the middle (lib/incidents/connection-ladder.ts).
      layout: reader.layout,
    },
  };
}

/** The most frequent paths per target, at most 20 each, most frequent first. */
function topPaths(byTarget: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(byTarget).map(([t, paths]) => [
      t,
      Object.fromEntries(
        Object.entries(paths)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 20),
      ),
    ]),
  );
}

function snapWarning(p: Packet) {
  return {
    code: "snap-length",
    offset: p.offset,
    message: `The capture's snap length cut TCP payloads (first at frame ${p.frame}: ${p.payload.length} of ${p.payloadLen} bytes kept), so HTTP heads are incomplete: requests and answers are read from packet timing, and methods, paths and statuses may be missing. tcpdump -s 0 keeps whole packets.`,
  };
}

function copiesWarning(count: number, first: { frame: number; offset: number }) {
  return {
    code: "frame-copies",
    offset: first.offset,
    message: `${count} frames are copies of frames already read (first at frame ${first.frame}), captured within 1 ms: the same frames seen on two interfaces, or the same connections on both sides of a NAT (their sequence numbers unchanged), as tcpdump -i any records them where the gateway reaches its target through a bridge or a NAT (containers). Each copy is left out: connections, ladders and retransmission counts show every frame once.`,
  };
}
