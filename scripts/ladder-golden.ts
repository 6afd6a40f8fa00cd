/**
 * Golden ladders for issue #18 (ladders derived on demand): every connection's ladder as the ingest-time tracker
 * built it, before ladders stopped being stored. Run once on the code of commit 3bfe104 (ladders still written at
 * ingest):  npx tsx scripts/ladder-golden.ts
 * Writes lib/analysis/__fixtures__/ladder/golden.json (and the synthetic interleaved.pcap it reads), which
 * lib/analysis/tcp/ladder.test.ts and lib/analysis/ladder.db.test.ts compare the on-demand ladders with.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CaptureReader } from "@/lib/parsers/pcap";
import { pcapHeader, pcapRecord, synthFrame, concatBytes, type SynthPacket } from "@/lib/parsers/pcap/synth";
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from "@/lib/parsers/pcap/types";
import { trackAll } from "@/lib/analysis/tcp";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "lib/analysis/__fixtures__/ladder");

/**
 * Interleaved keep-alive connections on Ethernet: long ones (more packets than the ladder keeps, so packets are
 * omitted), short ones between their packets, one 4-tuple reused after a close, one seen mid-stream, one reset.
 */
function interleaved(): Uint8Array {
  const pkts: SynthPacket[] = [];
  let ts = 1_700_000_000_000_000;
  type C = { host: string; port: number; g: number; t: number };
  const mk = (i: number, port = 40000 + i): C => ({ host: `10.1.0.${i}`, port, g: 1000 * i, t: 900000 + 1000 * i });
  const gw = (c: C, flags: number, payload = "") => {
    pkts.push({
      tsUs: (ts += 137),
      src: c.host,
      srcPort: c.port,
      dst: "10.9.9.9",
      dstPort: 8080,
      seq: c.g,
      ack: c.t,
      flags,
      payload,
    });
    c.g += payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
  };
  const tg = (c: C, flags: number, payload = "") => {
    pkts.push({
      tsUs: (ts += 211),
      src: "10.9.9.9",
      srcPort: 8080,
      dst: c.host,
      dstPort: c.port,
      seq: c.t,
      ack: c.g,
      flags,
      payload,
    });
    c.t += payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
  };
  const req = (p: string) => `GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n\r\n`;
  const resp = (n: number) =>
    `HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\nKeep-Alive: timeout=5\r\n\r\n${"y".repeat(n)}`;
  const open = (c: C) => {
    gw(c, TCP_SYN);
    tg(c, TCP_SYN | TCP_ACK);
    gw(c, TCP_ACK);
  };
  const exchange = (c: C, p: string) => {
    gw(c, TCP_ACK | TCP_PSH, req(p));
    tg(c, TCP_ACK);
    tg(c, TCP_ACK | TCP_PSH, resp(50 + (p.length % 7)));
    gw(c, TCP_ACK);
  };
  const longs = [mk(1), mk(2), mk(3)];
  for (const c of longs) open(c);
  const mid = mk(9); // mid-stream: no handshake seen
  for (let i = 0; i < 40; i++) {
    for (const c of longs) exchange(c, `/long/${c.port}/${i}`);
    if (i % 5 === 0) {
      const s = mk(20 + i);
      open(s);
      exchange(s, `/short/${i}`);
      tg(s, TCP_FIN | TCP_ACK);
      gw(s, TCP_FIN | TCP_ACK);
      tg(s, TCP_ACK);
    }
    if (i === 10 || i === 11) exchange(mid, `/mid/${i}`);
    if (i === 20) {
      const r = mk(7);
      open(r);
      gw(r, TCP_ACK | TCP_PSH, req("/reset"));
      tg(r, TCP_RST | TCP_ACK);
    }
  }
  ts += 2_000_000;
  gw(longs[0], TCP_ACK | TCP_PSH, req("/race"));
  tg(longs[0], TCP_FIN | TCP_ACK);
  gw(longs[0], TCP_FIN | TCP_ACK);
  tg(longs[0], TCP_ACK);
  // The same 4-tuple again after its close: a new connection.
  const again = mk(1);
  again.g += 77777;
  again.t += 55555;
  open(again);
  exchange(again, "/again");
  gw(again, TCP_FIN | TCP_ACK);
  tg(again, TCP_FIN | TCP_ACK);
  gw(again, TCP_ACK);
  for (const c of longs.slice(1)) {
    tg(c, TCP_FIN | TCP_ACK);
    gw(c, TCP_FIN | TCP_ACK);
    tg(c, TCP_ACK);
  }
  return concatBytes([pcapHeader(1), ...pkts.map((p) => pcapRecord(p.tsUs, synthFrame(p, 1)))]);
}

export const GOLDEN_CAPTURES = [
  "/work/shared/samples/acme-prod-502/gw01-to-target.pcap",
  "lib/analysis/__fixtures__/lab/race-2s/capture.pcap",
  "lib/analysis/__fixtures__/lab/premature-3/capture.pcap",
  "lib/analysis/__fixtures__/lab/two-hosts-one-port/capture.pcap",
  "lib/parsers/pcap/__fixtures__/multi-if.pcapng",
  "lib/parsers/pcap/__fixtures__/two-sections.pcapng",
  "lib/parsers/pcap/__fixtures__/lo-nano.pcapng",
  "lib/parsers/pcap/__fixtures__/any-sll1.pcap",
  "lib/parsers/pcap/__fixtures__/raw.pcap",
  "lib/analysis/__fixtures__/ladder/interleaved.pcap",
];

writeFileSync(path.join(out, "interleaved.pcap"), interleaved());
const golden: Record<string, unknown[]> = {};
for (const rel of GOLDEN_CAPTURES) {
  const reader = new CaptureReader();
  const bytes = readFileSync(path.resolve(root, rel));
  const packets = reader.push(bytes);
  reader.end();
  golden[path.basename(path.dirname(rel)) + "/" + path.basename(rel)] = trackAll(packets).map((c) => ({
    id: c.id,
    gateway: c.gateway,
    target: c.target,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    ladderOmitted: c.ladderOmitted,
    ladder: c.ladder,
  }));
}
// One connection per line: a diff shows which ladder changed.
const lines = Object.entries(golden).map(
  ([k, v]) => `${JSON.stringify(k)}: [\n${v.map((c) => JSON.stringify(c)).join(",\n")}\n]`,
);
writeFileSync(path.join(out, "golden.json"), `{\n${lines.join(",\n")}\n}\n`);
for (const [k, v] of Object.entries(golden))
  console.log(
    k,
    v.length,
    "connections",
    (v as Array<{ ladderOmitted: number }>).filter((c) => c.ladderOmitted > 0).length,
    "with omissions",
  );
