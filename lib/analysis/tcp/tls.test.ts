/**
 * A capture of an https target: three connections from curl to `openssl s_server -www` on 127.0.0.1:9443
 * (__fixtures__/https-openssl.pcap, recorded with tcpdump -i any). tshark -z conv,tcp → 3 conversations;
 * tshark -Y 'tls.handshake.type==1' → 3 ClientHellos. The bytes are encrypted, but the record headers are not:
 * `tshark -r https-openssl.pcap -T fields -e frame.number -e tcp.stream -e tcp.srcport -e tls.record.content_type
 * -e tls.record.length` shows, per connection, TLS 1.3 (the server's flight holds application-data records), the
 * client's change_cipher_spec and Finished (frames 8, 26, 43), the server's session tickets (250-byte records: frames
 * 9–10, 27, 44–45), one request (frames 11, 28, 46: 95–96 bytes), one answer (frames 12, 29, 47), then the server's
 * close_notify (19-byte records: frames 13, 30, 48) before either FIN.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CaptureReader } from "@/lib/parsers/pcap";
import { snapCut } from "@/lib/testing/capture";
import { classifyAll, trackAll } from "./index";
import { firstAnswerKind } from "./tls-records";

const FILE = path.join(import.meta.dirname, "__fixtures__", "https-openssl.pcap");

describe("a TLS capture", () => {
  const r = new CaptureReader();
  const conns = trackAll([...r.push(new Uint8Array(readFileSync(FILE))), ...r.end()], {
    targets: [{ host: "127.0.0.1", port: 9443 }],
  });
  it("reads each connection's one exchange from its record headers, tickets and alerts left out", () => {
    expect(conns).toHaveLength(3);
    expect(conns.map((c) => c.tls)).toEqual([true, true, true]);
    expect(conns.map((c) => c.exchanges.map((e) => [e.reqFrame, e.respFrame, e.complete]))).toEqual([
      [[11, 12, true]],
      [[28, 29, true]],
      [[46, 47, true]],
    ]);
  });
  it("takes the target's close_notify as its close", () => {
    expect(conns.map((c) => [c.closer, c.closeFrame])).toEqual([
      ["target", 13],
      ["target", 30],
      ["target", 48],
    ]);
  });
  it("counts them in the target's profile and classifies every one normal", () => {
    const { classes, profiles } = classifyAll(conns);
    expect(profiles.get("127.0.0.1:9443")!.encrypted).toBe(3);
    expect(classes.map((c) => c.code)).toEqual(["normal", "normal", "normal"]);
  });
});

describe("the same TLS capture cut to 96 bytes a packet (tcpdump -s 96)", () => {
  // 72 bytes of link, IP and TCP headers leave 24 of each payload: the server's flight and the requests' tails are
  // cut, the record headers that open each segment are kept. The same exchanges and closes must be read.
  const r = new CaptureReader();
  const cut = snapCut(new Uint8Array(readFileSync(FILE)), 96);
  const conns = trackAll([...r.push(cut), ...r.end()], { targets: [{ host: "127.0.0.1", port: 9443 }] });
  it("reads each exchange and close as in full", () => {
    expect(conns.map((c) => c.exchanges.map((e) => [e.reqFrame, e.respFrame]))).toEqual([
      [[11, 12]],
      [[28, 29]],
      [[46, 47]],
    ]);
    expect(conns.map((c) => c.closeFrame)).toEqual([13, 30, 48]);
  });
});

/**
 * Two connections cut out of the lab's blind world random-79 (gateway → https target 127.0.0.7:9009, Node's TLS 1.3
 * server; `tshark -r capture.pcap -Y "tcp.stream==0 || tcp.stream==21" -F pcap -w tls13-tickets.pcap`). `tshark -r
 * tls13-tickets.pcap -d tcp.port==9009,tls -T fields -e frame.number -e tcp.srcport -e tls.record.length` shows the
 * gateway's Finished and first request in one segment (frames 8, 27), then the target's two session tickets: two
 * 250-byte records in one segment (frames 9, 29), after the request. The first connection's answers are frames 11
 * and 14; the second's request (a 16 kB POST) is never answered: the target's FIN (frame 31) ends it, the truth's
 * premature close (its backend had the request for 492 ms).
 */
describe("TLS 1.3 session tickets after the first request", () => {
  const r = new CaptureReader();
  const file = path.join(import.meta.dirname, "__fixtures__", "tls13-tickets.pcap");
  const conns = trackAll([...r.push(new Uint8Array(readFileSync(file))), ...r.end()], {
    targets: [{ host: "127.0.0.7", port: 9009 }],
  });
  it("are not the first request's answer", () => {
    expect(conns.map((c) => c.exchanges.map((e) => [e.reqFrame, e.respFrame, e.respTsUs !== null]))).toEqual([
      [
        [8, 11, true],
        [13, 14, true],
      ],
      [[27, null, false]],
    ]);
  });
  it("leave an unanswered first request the target closed on a premature close", () => {
    expect(conns.map((c) => [c.closer, c.closeFrame])).toEqual([
      ["target", 16],
      ["target", 31],
    ]);
    expect(classifyAll(conns).classes.map((c) => c.code)).toEqual(["normal", "premature-close"]);
  });
  it("are told apart when a snap length (96 bytes) hides the second: one more record of the first's length", () => {
    const cut = new CaptureReader();
    const bytes = snapCut(new Uint8Array(readFileSync(file)), 96);
    const cutConns = trackAll([...cut.push(bytes), ...cut.end()], { targets: [{ host: "127.0.0.7", port: 9009 }] });
    expect(cutConns.map((c) => c.exchanges.map((e) => [e.reqFrame, e.respFrame]))).toEqual([
      [
        [8, 11],
        [13, 14],
      ],
      [[27, null]],
    ]);
    expect(classifyAll(cutConns).classes.map((c) => c.code)).toEqual(["normal", "premature-close"]);
  });
});

describe("the target's first bytes after a ClientHello", () => {
  it("tell its hello, an alert refusing the gateway's, a plain HTTP answer, and bytes that are none of these", () => {
    // The alert as tls-old-protocol's capture holds it (frame 13: level fatal, description 70, protocol_version).
    expect(firstAnswerKind(Uint8Array.from([0x15, 3, 3, 0, 2, 2, 70]))).toBe("alert");
    expect(firstAnswerKind(Uint8Array.from([0x16, 3, 3, 0, 0x7a, 2]))).toBe("handshake");
    expect(firstAnswerKind(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n"))).toBe("not-tls");
    // The rest of a record whose first segment the capture missed.
    expect(firstAnswerKind(Uint8Array.from([0x9a, 0x15, 3, 3, 0x41]))).toBeUndefined();
  });
});
