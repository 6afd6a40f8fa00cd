import path from "node:path";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CaptureReader } from "@/lib/parsers/pcap";
import { classifyAll, classifyConnection, trackAll } from "./index";

const SAMPLE = path.join(SAMPLE_DIR, "gw01-to-target.pcap");

function sample() {
  const r = new CaptureReader();
  const packets = [...r.push(new Uint8Array(readFileSync(SAMPLE))), ...r.end()];
  return trackAll(packets, { targets: [{ host: "127.0.0.1", port: 28081 }] });
}

describe("acme-prod-502 sample", () => {
  const conns = sample();
  it("finds the connections tshark finds", () => {
    // tshark -r gw01-to-target.pcap -q -z conv,tcp  → 15 conversations, all 127.0.0.1:<eph> <-> 127.0.0.1:28081
    expect(conns.length).toBe(15);
    expect(conns.every((c) => c.target.port === 28081 && c.gateway.host === "127.0.0.1")).toBe(true);
    // frames per conversation add up: tshark -r gw01-to-target.pcap | wc -l → 217
    expect(conns.reduce((n, c) => n + c.packetsG2T + c.packetsT2G, 0)).toBe(217);
    // conv,tcp row "127.0.0.1:39996 <-> 127.0.0.1:28081  9 ... 11 ..." (<- = target→gateway frames 9, -> = 11)
    const c = conns.find((x) => x.gateway.port === 39996)!;
    expect([c.packetsG2T, c.packetsT2G]).toEqual([11, 9]);
    // tshark -r gw01-to-target.pcap -Y 'tcp.flags.reset==1' | wc -l → 0: the races here end in FIN only
    expect(conns.some((x) => x.closeKind === "RST" || x.targetRst)).toBe(false);
    expect(conns.every((x) => x.connState === "SF")).toBe(true);
  });

  it("finds the 3 keep-alive races and no premature close", () => {
    const { classes } = classifyAll(conns);
    const codes = conns.map((c, i) => [c.gateway.port, classes[i].code] as const);
    const races = codes.filter(([, k]) => k === "keepalive-race").map(([p]) => p);
    // tshark -r gw01-to-target.pcap -Y 'tcp.stream in {0,3,11} && (http.request || tcp.flags.fin==1)' shows GET /items/2, /items/7, /items/18,
    // each followed within 35 ms by [FIN, ACK] from 28081 and no HTTP response: the 3 requests the gateway log answers 502.
    expect(races).toEqual([53466, 42592, 47446]);
    expect(codes.filter(([, k]) => k === "premature-close")).toEqual([]);
    expect(codes.filter(([, k]) => k !== "normal" && k !== "keepalive-race")).toEqual([]);
    const race = conns.find((c) => c.gateway.port === 53466)!;
    expect(race.exchanges.map((e) => [e.path, e.status, e.complete])).toEqual([
      ["/items/1", 200, true],
      ["/items/2", null, false],
    ]);
    expect(race.closer).toBe("target");
    expect(race.closeFrame).toBe(12);
    // frame 6 (last response, t=0.048499) → frame 12 (FIN, t=2.053373): 2004.9 ms
    expect(race.idleGapMs).toBeCloseTo(2004.874, 2);
    const k = classes[conns.indexOf(race)];
    expect(k.reason).toContain("GET /items/2");
    expect(k.race).toBe("idle-timer");
    // Alone, the same connection is still a race by timing: the FIN came sooner than its own answer took.
    expect(classifyConnection(race)).toMatchObject({ code: "keepalive-race", race: "timing" });
    expect(race.ladder.find((s) => s.frame === 12)?.note).toBe("FIN; idle 2.00 s");
    expect(race.ladder.find((s) => s.frame === 10)?.note).toBe("request GET /items/2; idle 2.00 s");
    expect(race.ladder[1]).toMatchObject({ frame: 2, dir: "t2g", flags: "SYN,ACK", seq: 0, ack: 1, len: 0 });
  });

  it("parses the chunked POST body and counts every HTTP message", () => {
    const c = conns.find((x) => x.gateway.port === 42604)!;
    // tshark: POST /orders?id=8 (chunked, frames 60+62) → one segment with two "HTTP/1.1 200 OK" (frame 64):
    // the backend reads the chunk as a second request, so there is an extra response without a request.
    expect(c.exchanges.map((e) => [e.method, e.status, e.contentLength])).toEqual([
      ["POST", 200, 46],
      [null, 200, 21],
    ]);
    expect(c.closer).toBe("gateway");
    expect(c.history).toBe("ShADadFf");
  });

  it("infers the target's 2 s idle timer", () => {
    const p = classifyAll(conns).profiles.get("127.0.0.1:28081")!;
    // 6 target-first FINs after ~2.000–2.006 s of idle (3 races + 3 idle closes)
    expect(p.cluster).toMatchObject({ n: 6, of: 6 });
    expect(p.cluster!.ms).toBeGreaterThanOrEqual(2000);
    expect(p.cluster!.ms).toBeLessThanOrEqual(2006);
    expect(p.cluster!.spreadMs).toBeLessThanOrEqual(10);
    expect(p.keepAliveHeaderS).toBeNull();
  });
});
