/**
 * The quiet before the gateway's own close of a pending request (closeQuietMs), on two lab recordings. Expected
 * values from tshark, per stream the time from its last payload byte to its first FIN/RST sent by the gateway:
 * `tshark -r capture.pcap -T fields -e tcp.stream -e frame.time_epoch -e tcp.srcport -e tcp.len -e tcp.flags.fin
 * -e tcp.flags.reset`, the streams the truth calls gateway-close, rounded to 0.1 ms.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readChunked } from "@/lib/testing/capture";
import { loadLabFixture } from "../lab-truth";
import { classifyConnection } from "./classify";
import { ConnectionTracker } from "./tracker";

function gatewayCloseQuiets(name: string): number[] {
  const pcap = loadLabFixture(name).files.find((f) => f.endsWith(".pcap"))!;
  const tracker = new ConnectionTracker({ ladders: false });
  const conns = readChunked(new Uint8Array(readFileSync(pcap)), 1 << 20).packets.flatMap((p) => tracker.add(p));
  return [...conns, ...tracker.end()]
    .filter((c) => classifyConnection(c).code === "gateway-close")
    .map((c) => Math.round(c.closeQuietMs! * 10) / 10)
    .sort((a, b) => a - b);
}

describe("quiet before the gateway's close of a pending request", () => {
  it("is request_timeout's 3 s when the gateway timed out (gateway-timeout)", () => {
    expect(gatewayCloseQuiets("gateway-timeout")).toEqual([3000.6, 3001.1, 3001.1, 3001.9, 3002, 3002.4, 3008.7]);
  });
  it("is the client's 1.5 s, far below request_timeout's 5 s, when its client left (client-abort-upload-timeout)", () => {
    expect(gatewayCloseQuiets("client-abort-upload-timeout")).toEqual([
      1498.8, 1500.7, 1500.9, 1500.9, 1501.6, 1501.7, 1501.9, 1502.5, 1502.8, 1504.5,
    ]);
  });
});
