/**
 * Captures recorded on loopback (see __fixtures__/srv.js and client2.js): one IPv4 keep-alive
 * connection with 4 exchanges closed by the server's idle timeout, one IPv6 connection (GET + HEAD)
 * closed by the client, one refused connection (SYN → RST). Recorded with
 *   tcpdump -i lo -s 0 -w lo.pcap 'port 28099 or port 28098'        (Ethernet, µs)
 *   tcpdump -i lo --nano ... ; editcap -F pcapng lo-nano.pcap lo-nano.pcapng   (ns, if_tsresol=9)
 *   tcpdump -i any ... -w any.pcap                                    (Linux cooked v2)
 *   tcpdump -i any -y LINUX_SLL ... -w any-sll1.pcap                  (Linux cooked v1)
 *   tcpdump -i lo -s 80 ... -w lo-snap80.pcap                         (snap length 80)
 *   editcap -F pcap -C 14 -T rawip lo.pcap raw.pcap                   (raw IP, link type 101)
 *   mergecap -F pcapng -w multi-if.pcapng lo.pcap any-sll1.pcap       (2 interfaces, 2 link types)
 *   cat lo.pcapng any.pcapng > two-sections.pcapng                     (2 sections)
 * Expected numbers: `tshark -r F | wc -l` (frames), `tshark -r F -q -z conv,tcp | grep -c '<->'`
 * (conversations) and `tshark -r F -Y 'tcp.flags.reset==1' | wc -l` (resets).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readChunked } from "@/lib/testing/capture";
import { TCP_RST } from "./index";
import { classifyConnection, trackAll } from "@/lib/analysis/tcp";

const load = (f: string) => new Uint8Array(readFileSync(path.join(__dirname, "__fixtures__", f)));

/** Odd-sized chunks: records straddle chunk boundaries. */
const read = (bytes: Uint8Array) => readChunked(bytes, 997);

// [file, frames, conversations, resets, first timestamp (µs)]
const CASES: Array<[string, number, number, number, number]> = [
  ["lo.pcap", 34, 3, 1, 1795530403253163],
  ["lo-nano.pcapng", 34, 3, 1, 1795530403253164], // tshark: 1795530403.253164133
  ["any.pcap", 34, 3, 1, 0],
  ["any-sll1.pcap", 34, 3, 1, 0],
  ["raw.pcap", 34, 3, 1, 1795530403253163],
  ["lo-snap80.pcap", 34, 3, 1, 0], // tshark shows 2 conversations: it drops TCP headers cut by the snap length; we read the fixed 20 bytes
  ["multi-if.pcapng", 68, 3, 2, 0], // same packets seen on both interfaces: each is read once (tcp/dir-state.ts isCopy)
  // The second section replays the first: every SYN after a close opens a new connection (6). tshark still
  // counts 3 (conv,tcp and tcp.stream) because the replayed SYNs carry the same ISNs as the originals.
  ["two-sections.pcapng", 68, 6, 2, 0],
];

describe.each(CASES)("%s", (file, frames, convs, resets, firstTs) => {
  const { packets, reader } = read(load(file));
  it("matches tshark's counts", () => {
    expect(reader.warnings).toEqual([]);
    expect(reader.frames).toBe(frames);
    expect(packets.length).toBe(frames);
    expect(packets.filter((p) => p.flags & TCP_RST).length).toBe(resets);
    expect(trackAll(packets).length).toBe(convs);
    if (firstTs) expect(packets[0].tsUs).toBe(firstTs);
  });
});

describe("loopback session, analysed", () => {
  const conns = trackAll(read(load("lo.pcap")).packets);
  it("reads the IPv4 keep-alive connection", () => {
    const c = conns[0];
    // tshark -Y http.request: frames 4 GET /a, 8 GET /b, 12 POST /post (chunked), 15 GET /chunked; responses 6 9 14 16.
    // reqFrame is where a request starts: the POST head is in frame 10 ("TCP segment of a reassembled PDU").
    expect(c.exchanges.map((e) => [e.method, e.path, e.reqFrame, e.status, e.respFrame, e.complete])).toEqual([
      ["GET", "/a", 4, 200, 6, true],
      ["GET", "/b", 8, 200, 9, true],
      ["POST", "/post", 10, 200, 14, true],
      ["GET", "/chunked", 15, 200, 16, true],
    ]);
    expect(c.exchanges[0].keepAliveTimeoutS).toBe(1);
    expect(c.exchanges[3].chunked).toBe(true);
    // frame 18: [FIN, ACK] from 28099 at 2.077902 s, then client FIN at frame 22
    expect([c.closer, c.closeKind, c.closeFrame, c.connState]).toEqual(["target", "FIN", 18, "SF"]);
    expect(c.idleGapMs).toBeGreaterThan(1000);
    expect(classifyConnection(c).code).toBe("normal");
  });
  it("reads the IPv6 connection with a HEAD", () => {
    const c = conns[1];
    expect(c.gateway.host).toBe("::1");
    expect(c.exchanges.map((e) => [e.method, e.status, e.complete])).toEqual([
      ["GET", 200, true],
      ["HEAD", 200, true],
    ]);
    expect([c.closer, c.connState]).toEqual(["gateway", "SF"]);
  });
  it("sees the refused connection", () => {
    const c = conns[2];
    expect([c.connState, c.history, classifyConnection(c).code]).toEqual(["REJ", "Sr", "refused"]);
    expect(c.target.port).toBe(28098);
  });
});

describe("byte order", () => {
  it("reads a big-endian classic pcap the same way", () => {
    const le = load("lo.pcap");
    const be = le.slice();
    const src = new DataView(le.buffer, le.byteOffset);
    const dst = new DataView(be.buffer);
    const swap32 = (o: number) => dst.setUint32(o, src.getUint32(o, true), false);
    const swap16 = (o: number) => dst.setUint16(o, src.getUint16(o, true), false);
    swap32(0);
    swap16(4);
    swap16(6);
    swap32(8);
    swap32(12);
    swap32(16);
    swap32(20);
    for (let o = 24; o < le.length;) {
      const incl = src.getUint32(o + 8, true);
      swap32(o);
      swap32(o + 4);
      swap32(o + 8);
      swap32(o + 12);
      o += 16 + incl;
    }
    const a = read(le).packets;
    const b = read(be).packets;
    expect(b.map((p) => [p.frame, p.tsUs, p.seq, p.payloadLen])).toEqual(
      a.map((p) => [p.frame, p.tsUs, p.seq, p.payloadLen]),
    );
  });
});
