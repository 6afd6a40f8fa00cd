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
