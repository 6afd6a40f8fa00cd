import { describe, expect, it } from "vitest";
import { decodeFrame, ipv6String } from "./decode";
import { concatBytes, synthFrame } from "./synth";
import { TCP_ACK, TCP_PSH } from "./types";

const base = {
  tsUs: 0,
  src: "10.0.0.1",
  srcPort: 1234,
  dst: "10.0.0.2",
  dstPort: 80,
  seq: 7,
  ack: 9,
  flags: TCP_ACK | TCP_PSH,
  payload: "hello",
};
const dec = (link: number, f: Uint8Array) =>
  decodeFrame(link, f, new DataView(f.buffer, f.byteOffset, f.byteLength), 0, f.length, 1, 0);

describe("decodeFrame", () => {
  it("reads Ethernet with stacked 802.1Q tags", () => {
    const eth = synthFrame(base, 1);
    const tagged = concatBytes([
      eth.subarray(0, 12),
      new Uint8Array([0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2]),
      eth.subarray(12),
    ]);
    expect(dec(1, tagged)).toMatchObject({ src: "10.0.0.1", dstPort: 80, payloadLen: 5, seq: 7, ack: 9 });
  });

  it("reads BSD loopback and raw IP", () => {
    const ip = synthFrame(base);
    expect(dec(0, concatBytes([new Uint8Array([2, 0, 0, 0]), ip]))?.srcPort).toBe(1234);
    expect(dec(12, ip)?.srcPort).toBe(1234);
    expect(dec(14, ip)?.srcPort).toBe(1234);
  });

  it("skips non-first IPv4 fragments and non-TCP", () => {
    const ip = synthFrame(base);
    ip[7] = 10; // fragment offset 10 × 8
    expect(dec(101, ip)).toBeNull();
    const udp = synthFrame(base);
    udp[9] = 17;
    expect(dec(101, udp)).toBeNull();
  });

  it("walks IPv6 extension headers", () => {
    const v4 = synthFrame(base);
    const tcp = v4.subarray(20);
    const v6 = new Uint8Array(40 + 8 + 8 + tcp.length);
    const dv = new DataView(v6.buffer);
    v6[0] = 0x60;
    dv.setUint16(4, 16 + tcp.length);
    v6[6] = 0; // hop-by-hop
    v6[23] = 1; // src ::1
    v6.set([0x20, 0x01, 0x0d, 0xb8], 24);
    v6[39] = 5; // dst 2001:db8::5
    v6[40] = 44;
    v6[41] = 0; // hop-by-hop → fragment header
    v6[48] = 6; // fragment (offset 0) → TCP
    v6.set(tcp, 56);
    expect(dec(101, v6)).toMatchObject({ src: "::1", dst: "2001:db8::5", srcPort: 1234, payloadLen: 5 });
    dv.setUint16(50, 8 << 3); // non-first fragment
    expect(dec(101, v6)).toBeNull();
  });

  it("prints IPv6 like Wireshark", () => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    [0xfe80, 0, 0, 0, 0x1, 0, 0, 0x2].forEach((g, i) => dv.setUint16(i * 2, g));
    expect(ipv6String(dv, 0)).toBe("fe80::1:0:0:2");
  });

  it("keeps the IP payload length when the snap length cuts the payload", () => {
    const f = synthFrame(base);
    const p = decodeFrame(101, f, new DataView(f.buffer), 0, 42, 1, 0);
    expect(p?.payloadLen).toBe(5);
    expect(p?.payload.length).toBe(2);
  });
});
