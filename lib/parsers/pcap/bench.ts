/** Throughput benchmark of capture reading + connection tracking on a synthesized keep-alive capture. */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConnectionTracker } from "../../analysis/tcp/tracker";
import { classifyConnection } from "../../analysis/tcp/classify";
import { readCapture } from "./reader";
import { pcapHeader, pcapRecord, synthFrame, type SynthPacket } from "./synth";
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from "./types";

export interface BenchResult {
  file: string;
  sizeMB: number;
  packets: number;
  connections: number;
  races: number;
  seconds: number;
  mbPerS: number;
  packetsPerS: number;
  peakRssMB: number;
  tsharkSeconds: number | null;
  tsharkRatio: number | null;
}

const REQ =
  "GET /items/%ID HTTP/1.1\r\nHost: target.internal:8080\r\nUser-Agent: bench\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n";
const BODY = "x".repeat(900);
const RESP = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n${BODY}`;

/** Write a classic pcap of about `sizeMB` MB: keep-alive connections of 10 exchanges, every 7th ending in a race. */
export function synthesizeCapture(file: string, sizeMB: number): number {
  const fd = openSync(file, "w");
  const limit = sizeMB * 1024 * 1024;
  let buf: Uint8Array[] = [pcapHeader(1)];
  let bufLen = 24,
    written = 0,
    packets = 0,
    ts = 1_700_000_000_000_000,
    conn = 0;
  const emit = (p: SynthPacket) => {
    const r = pcapRecord(p.tsUs, synthFrame(p, 1));
    buf.push(r);
    bufLen += r.length;
    packets++;
    if (bufLen > 8 << 20) {
      for (const b of buf) writeSync(fd, b);
      written += bufLen;
      buf = [];
      bufLen = 0;
    }
  };
  while (written + bufLen < limit) {
    conn++;
    const port = 1024 + (conn % 60000),
      host = `10.1.${(conn >> 8) & 255}.${conn & 255}`;
    let g = 1000,
      t = 9000;
    const gw = (flags: number, payload = "") => {
      emit({ tsUs: ts, src: host, srcPort: port, dst: "10.9.9.9", dstPort: 8080, seq: g, ack: t, flags, payload });
      g += payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
      ts += 50;
    };
    const tg = (flags: number, payload = "") => {
      emit({ tsUs: ts, src: "10.9.9.9", srcPort: 8080, dst: host, dstPort: port, seq: t, ack: g, flags, payload });
      t += payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
      ts += 50;
    };
    gw(TCP_SYN);
    tg(TCP_SYN | TCP_ACK);
    gw(TCP_ACK);
    for (let i = 0; i < 10; i++) {
      gw(TCP_ACK | TCP_PSH, REQ.replace("%ID", String(i)));
      tg(TCP_ACK);
      tg(TCP_ACK | TCP_PSH, RESP);
      gw(TCP_ACK);
    }
    ts += 5_000_000;
    if (conn % 7 === 0) gw(TCP_ACK | TCP_PSH, REQ.replace("%ID", "race"));
    tg(TCP_FIN | TCP_ACK);
    gw(TCP_FIN | TCP_ACK);
    tg(TCP_ACK);
  }
  for (const b of buf) writeSync(fd, b);
  closeSync(fd);
  return packets;
}

export async function benchCapture(sizeMB: number): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-pcap-"));
  const file = path.join(dir, "bench.pcap");
  try {
    synthesizeCapture(file, sizeMB);
    const bytes = statSync(file).size;
    let peak = process.memoryUsage().rss;
    const tracker = new ConnectionTracker({ targets: [{ host: "10.9.9.9", port: 8080 }] });
    let packets = 0,
      connections = 0,
      races = 0;
    const count = (cs: ReturnType<ConnectionTracker["end"]>) => {
      connections += cs.length;
      for (const c of cs) if (classifyConnection(c).code === "keepalive-race") races++;
    };
    const t0 = performance.now();
    for await (const batch of readCapture(createReadStream(file, { highWaterMark: 1 << 20 }))) {
      packets += batch.length;
      for (const p of batch) {
        const done = tracker.add(p);
        if (done.length) count(done);
      }
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }
    count(tracker.end());
    const seconds = (performance.now() - t0) / 1000;
    let tsharkSeconds: number | null = null;
    if (spawnSync("tshark", ["-v"]).status === 0) {
      const s0 = performance.now();
      spawnSync("tshark", ["-q", "-z", "conv,tcp", "-r", file], { stdio: "ignore" });
      tsharkSeconds = (performance.now() - s0) / 1000;
    }
    const mb = bytes / (1024 * 1024);
    return {
      file,
      sizeMB: mb,
      packets,
      connections,
      races,
      seconds,
      mbPerS: mb / seconds,
      packetsPerS: packets / seconds,
      peakRssMB: peak / (1024 * 1024),
      tsharkSeconds,
      tsharkRatio: tsharkSeconds === null ? null : tsharkSeconds / seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
