import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CaptureReader, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "@/lib/parsers/pcap";
import { DATA, REQ, RESP, Script, run } from "@/lib/testing/tcp-script";
import type { SynthPacket } from "@/lib/parsers/pcap/synth";
import { classifyAll, classifyConnection, trackAll } from "./index";

describe("ConnectionTracker on synthetic conversations", () => {
  it("reassembles out-of-order and duplicate segments", () => {
    const s = new Script().handshake(0);
    const req = REQ("/ooo");
    const a = s.gw(1, DATA, req.slice(0, 10));
    const b = s.gw(2, DATA, req.slice(10, 20));
    s.gw(3, DATA, req.slice(20));
    // deliver 3rd, 2nd, 1st, then 1st again (a retransmission: a new IPv4 packet, so a new id)
    const [p3, p2, p1] = [s.pk.pop()!, s.pk.pop()!, s.pk.pop()!];
    s.pk.push(p3, p2, p1, { ...p1, tsUs: p1.tsUs + 5, ipId: 1 });
    void a;
    void b;
    s.tg(10, DATA, RESP("hi", "Keep-Alive: timeout=5\r\n"));
    const [c] = run(s.pk);
    expect(c.exchanges.map((e) => [e.method, e.path, e.status, e.complete, e.keepAliveTimeoutS])).toEqual([
      ["GET", "/ooo", 200, true, 5],
    ]);
    expect(c.retransmissions).toBe(1);
    expect(c.gaps).toBe(0);
    expect(c.connState).toBe("S1");
    expect(c.history).toBe("ShADTd");
  });

  it("leaves out a capture's copies of a frame (each frame twice, µs apart: tcpdump -i any over a bridge)", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/x"));
    s.tg(2, DATA, RESP("hi"));
    s.tg(3, TCP_ACK | TCP_FIN);
    const twice = s.pk.flatMap((p) => [p, { ...p, tsUs: p.tsUs + 3 }]);
    const [once] = run(s.pk);
    const [c] = run(twice);
    expect(c.copies).toBe(s.pk.length);
    expect(c.firstCopy?.frame).toBe(2);
    expect(c.lastFrame).toBe(twice.length);
    expect(c.retransmissions).toBe(0);
    // Everything else as with each frame once, frame k of that capture being frame 2k − 1 of this one.
    const renumbered = JSON.parse(
      JSON.stringify(once, (k, v) => (/^(frame|firstFrame|closeFrame|reqFrame|respFrame)$/.test(k) ? 2 * v - 1 : v)),
    );
    const without = ({ copies: _c, firstCopy: _f, lastFrame: _l, lastOffset: _o, endUs: _e, ...rest }: typeof c) =>
      rest;
    expect(without(c)).toEqual(without(renumbered));
  });

  it("reads a connection seen on both sides of a NAT (its ISNs the same) once, the other side's frames as copies", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/x"));
    s.tg(2, DATA, RESP("hi"));
    s.tg(3, TCP_ACK | TCP_FIN);
    // The host's side of a source NAT (gateway 10.0.0.1:40000 as 192.168.5.5:61000), and of a service's
    // destination NAT (target 10.0.0.2:8080 as 10.96.0.10:80): the addresses rewritten, the sequence numbers kept.
    const gw = (p: SynthPacket, host: string, port: number) =>
      p.src === "10.0.0.1" ? { ...p, src: host, srcPort: port } : { ...p, dst: host, dstPort: port };
    const tg = (p: SynthPacket, host: string, port: number) =>
      p.src === "10.0.0.2" ? { ...p, src: host, srcPort: port } : { ...p, dst: host, dstPort: port };
    for (const nat of [(p: SynthPacket) => gw(p, "192.168.5.5", 61000), (p: SynthPacket) => tg(p, "10.96.0.10", 80)]) {
      const both = s.pk.flatMap((p) => [p, { ...nat(p), tsUs: p.tsUs + 3 }]);
      const conns = run(both);
      expect(conns).toHaveLength(1);
      expect([conns[0].copies, conns[0].packetsG2T + conns[0].packetsT2G, conns[0].retransmissions]).toEqual([
        s.pk.length,
        s.pk.length,
        0,
      ]);
      expect(classifyConnection(conns[0]).code).toBe(classifyConnection(run(s.pk)[0]).code);
    }
    // Another connection opened at the same moment has ISNs of its own: two connections.
    const other = s.pk.map((p) => ({ ...gw(p, "10.0.0.1", 40001), seq: p.seq + 7, ack: p.ack + 9, tsUs: p.tsUs + 3 }));
    expect(run(s.pk.flatMap((p, i) => [p, other[i]])).map((c) => c.copies)).toEqual([0, 0]);
  });

  it("keeps the same segment sent again after 1 ms, or as another IPv4 packet: a retransmission, not a copy", () => {
    const s = new Script().handshake(0);
    const seq = s.gw(1, DATA, REQ("/x"));
    s.gw(2.001, DATA, REQ("/x"), seq);
    s.gw(2.002, DATA, REQ("/x"), seq);
    s.pk[s.pk.length - 1].ipId = 7;
    const [c] = run(s.pk);
    expect([c.copies, c.retransmissions, c.packetsG2T]).toEqual([0, 2, 5]);
  });

  it("marks a gap and still frames a later message", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/a"));
    s.tg(2, DATA, RESP("x"));
    s.gw(3, DATA, REQ("/lost"));
    s.pk.pop(); // lost on the wire (never captured)
    s.gw(4, DATA, REQ("/b"));
    s.tg(5, DATA, RESP("y"));
    const [c] = run(s.pk);
    expect(c.gaps).toBe(1);
    expect(c.exchanges.map((e) => e.path)).toEqual(["/a", "/b"]);
  });

  it("a SYN with a new sequence number on the same port is a new connection; its retransmits are not", () => {
    // As blind world random-341's capture: three unanswered SYNs, the kernel gives up, and 12 s later the same
    // source port tries again with another ISN (tshark: two tcp.stream values).
    const s = new Script();
    for (const at of [0, 1000, 3000]) s.gw(at, TCP_SYN, "", 111);
    for (const at of [12_000, 13_000, 15_000]) s.gw(at, TCP_SYN, "", 222);
    const conns = run(s.pk);
    expect(conns.map((c) => [c.packetsG2T, c.connState])).toEqual([
      [3, "S0"],
      [3, "S0"],
    ]);
    expect(conns.map((c) => classifyConnection(c).code)).toEqual(["syn-unanswered", "syn-unanswered"]);
  });

  it("classifies a refused connection (SYN → RST)", () => {
    const s = new Script();
    s.gw(0, TCP_SYN);
    s.tg(0.1, TCP_RST | TCP_ACK);
    const [c] = run(s.pk);
    expect([c.connState, c.history, c.closer, c.closeKind]).toEqual(["REJ", "Sr", "target", "RST"]);
    expect(classifyConnection(c).code).toBe("refused");
  });

  it("classifies a keep-alive race ending in RST", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/1"));
    s.tg(20, DATA, RESP("ok"));
    s.gw(21, TCP_ACK);
    s.gw(5020, DATA, REQ("/2")); // new request 5.0 s later
    s.tg(5030, TCP_FIN | TCP_ACK, "", undefined); // target FIN crossing it (does not ACK it)
    s.tg(5045, TCP_RST);
    const [c] = run(s.pk.map((p, i) => (i === s.pk.length - 2 ? { ...p, ack: p.ack - REQ("/2").length } : p)));
    const k = classifyConnection(c);
    expect(k.code).toBe("keepalive-race");
    // Alone, only timing speaks: the FIN came 10 ms after the request, the target's one answer took 19 ms.
    expect(k.race).toBe("timing");
    expect(k.reason).toMatch(/FIN.*10\.0 ms after.*GET \/2.*sooner than the target could have reacted.*19\.0 ms/);
    expect(c.connState).toBe("RSTR");
    expect(c.idleGapMs).toBeCloseTo(5010, 0);
    // One close is no idle timer.
    const { profiles } = classifyAll([c]);
    expect(profiles.get("10.0.0.2:8080")).toMatchObject({ cluster: null, responseFloorMs: 19, answered: 1 });
  });

  it("classifies a premature close (request ACKed, then FIN, no response)", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/slow"));
    s.tg(1.1, TCP_ACK);
    s.tg(900, TCP_FIN | TCP_ACK);
    s.gw(901, TCP_FIN | TCP_ACK);
    const [c] = run(s.pk);
    const k = classifyConnection(c);
    expect(k.code).toBe("premature-close");
    expect(k.reason).toContain("first request GET /slow of a new connection");
    expect(c.exchanges[0].reqAckedUs).not.toBeNull();
  });

  it("classifies a reset in the middle of a response, and a gateway abort", () => {
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/big"));
    s.tg(10, DATA, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial");
    s.tg(11, TCP_RST);
    expect(classifyConnection(run(s.pk)[0]).code).toBe("target-reset-mid-response");

    const g = new Script(40001).handshake(0);
    g.gw(1, DATA, REQ("/hang"));
    g.gw(30000, TCP_FIN | TCP_ACK);
    expect(classifyConnection(run(g.pk)[0]).code).toBe("gateway-close");
  });

  it("tells a response cut short by a FIN from one whose end is the close", () => {
    // Content-Length 100000, 7 bytes of it, then the target's FIN: the answer stopped short (lab: mid-response-fin).
    const s = new Script().handshake(0);
    s.gw(1, DATA, REQ("/big"));
    s.tg(10, DATA, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial");
    s.tg(11, TCP_FIN | TCP_ACK);
    s.gw(12, TCP_FIN | TCP_ACK);
    const k = classifyConnection(run(s.pk)[0]);
    expect(k.code).toBe("target-reset-mid-response");
    expect(k.reason).toMatch(/closed \(FIN\).*of a Content-Length of 100000: the response stopped short/);

    // No Content-Length, not chunked: the body runs to the close, so the FIN ends a complete answer.
    const e = new Script(40001).handshake(0);
    e.gw(1, DATA, REQ("/stream"));
    e.tg(10, DATA, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
    e.tg(11, TCP_FIN | TCP_ACK);
    e.gw(12, TCP_FIN | TCP_ACK);
    expect(classifyConnection(run(e.pk)[0]).code).toBe("normal");
  });

  describe("TLS handshakes (records: type, version, length; lengths kept under 0x80)", () => {
    const HELLO = "\x16\x03\x01\x00\x05hello";
    // An encrypted record of 32 bytes (longer than TLS 1.3's 19-byte alerts)
    const sealed = (c: string) => "\x17\x03\x03\x00\x20" + c.repeat(32);
    // ServerHello, change_cipher_spec, then the encrypted rest of TLS 1.3's flight (certificate, Finished)
    const FLIGHT = "\x16\x03\x03\x00\x05shell\x14\x03\x03\x00\x01\x01" + sealed("c");
    const handshake = (port: number) => {
      const s = new Script(port).handshake(0);
      s.gw(1, DATA, HELLO);
      s.tg(20, DATA, FLIGHT);
      return s;
    };
    it("the gateway closing after the target's flight without going on: the handshake failed (lab: tls-self-signed)", () => {
      const s = handshake(40010);
      s.gw(23, TCP_FIN | TCP_ACK);
      s.tg(43, TCP_FIN | TCP_ACK);
      const [c] = run(s.pk);
      expect([c.tls, c.tlsContinued]).toEqual([true, false]);
      const k = classifyConnection(c);
      expect(k.code).toBe("tls-handshake-failed");
      expect(k.reason).toMatch(/target answered the gateway's ClientHello with 53 bytes.*gateway closed with FIN/);
    });
    it("an alert alone does not carry the handshake on", () => {
      const s = handshake(40011);
      s.gw(23, DATA, "\x15\x03\x03\x00\x02\x02\x30");
      s.gw(23.1, TCP_RST | TCP_ACK);
      expect(classifyConnection(run(s.pk)[0]).code).toBe("tls-handshake-failed");
    });
    it("a target closing on the ClientHello without a flight refused the handshake", () => {
      const s = new Script(40012).handshake(0);
      s.gw(1, DATA, HELLO);
      s.tg(2, TCP_FIN | TCP_ACK);
      s.gw(3, TCP_FIN | TCP_ACK);
      const k = classifyConnection(run(s.pk)[0]);
      expect(k.code).toBe("tls-handshake-failed");
      expect(k.reason).toMatch(/without answering the gateway's ClientHello/);
    });
    it("the gateway answering the flight (change_cipher_spec and Finished in one segment) completed it", () => {
      const s = handshake(40013);
      s.gw(22, DATA, "\x14\x03\x03\x00\x01\x01" + sealed("f"));
      s.gw(23, DATA, sealed("q"));
      s.tg(60, DATA, sealed("a"));
      s.gw(5060, TCP_FIN | TCP_ACK);
      s.tg(5061, TCP_FIN | TCP_ACK);
      const [c] = run(s.pk);
      expect(c.tlsContinued).toBe(true);
      expect(classifyConnection(c).code).toBe("normal");
    });
    it("a handshake the capture ends in is not judged", () => {
      const s = handshake(40014);
      expect(classifyConnection(run(s.pk)[0]).code).not.toBe("tls-handshake-failed");
    });
  });

  it("starts a new connection on a SYN after close and keeps a bounded ladder", () => {
    const s = new Script().handshake(0);
    for (let i = 0; i < 60; i++) {
      s.gw(10 + i * 10, DATA, REQ(`/${i}`));
      s.tg(15 + i * 10, DATA, RESP("k"));
    }
    s.gw(700, TCP_FIN | TCP_ACK);
    s.tg(701, TCP_FIN | TCP_ACK);
    s.gw(702, TCP_ACK);
    const again = new Script(40000, 1_700_000_002_000_000).handshake(0);
    const conns = run([...s.pk, ...again.pk]);
    expect(conns.length).toBe(2);
    const [c] = conns;
    expect(c.exchanges.length).toBe(60);
    expect(c.ladder.length).toBe(80);
    expect(c.ladderOmitted).toBe(c.packetsG2T + c.packetsT2G - 80);
    expect(c.ladder[79].flags).toBe("ACK");
    expect(c.ladder[3].note).toBe("request GET /0");
    expect(c.ladder[4].note).toBe("response 200");
    expect(conns[1].connState).toBe("S1");
  });
});

/**
 * Frames 128–132 of blind world random-595's capture (`editcap -r capture.pcap syn-challenge-ack.pcap 128-132`): the
 * gateway's SYN to 127.0.0.4:8080 (nothing listens there) answered by a bare ACK from a stale connection on that
 * 4-tuple, the gateway's RST to it, the same SYN again (sequence number 3149975577 both times) and the RST that
 * refuses it. `tshark -T fields -e tcp.stream` puts all five in one stream: one connect(), refused.
 */
describe("a SYN answered by a stale connection's ACK, reset and sent again", () => {
  it("is one refused connection, not an empty one the gateway reset and another", () => {
    const r = new CaptureReader();
    const bytes = new Uint8Array(
      readFileSync(path.join(import.meta.dirname, "__fixtures__", "syn-challenge-ack.pcap")),
    );
    const conns = trackAll([...r.push(bytes), ...r.end()], { targets: [{ host: "127.0.0.4", port: 8080 }] });
    expect(conns.map((c) => [c.gateway.port, c.closer, c.closeKind, c.closeFrame])).toEqual([
      [38530, "target", "RST", 5],
    ]);
    expect(classifyAll(conns).classes.map((c) => c.code)).toEqual(["refused"]);
  });
});
