// Self-consistency of the recording lab's fixtures (scripts/lab/): each truth.json parses, and what
// it says agrees with counts taken independently here from the files themselves (the log by line
// matching, the capture by a minimal pcap walk written for this test, the config by YAML).
// The classifier's own tests against these fixtures live elsewhere.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { labFixtureNames, loadLabFixture } from "./lab-truth";

type Seg = { tsUs: number; src: string; dst: string; syn: boolean; ack: boolean };

// Classic pcap, µs, little-endian, Linux cooked v2 (link type 276) carrying IPv4/TCP: what
// `tcpdump -i any` writes and what the fixtures hold (asserted below).
function walkPcap(file: string): { linkType: number; segs: Seg[] } {
  const b = readFileSync(file);
  expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const linkType = b.readUInt32LE(20);
  const segs: Seg[] = [];
  for (let off = 24; off + 16 <= b.length;) {
    const tsUs = b.readUInt32LE(off) * 1e6 + b.readUInt32LE(off + 4);
    const incl = b.readUInt32LE(off + 8);
    const p = off + 16;
    off = p + incl;
    if (linkType !== 276 || b.readUInt16BE(p) !== 0x0800) continue;
    const ip = p + 20;
    if (b[ip + 9] !== 6) continue;
    const ihl = (b[ip] & 0x0f) * 4;
    const tcp = ip + ihl;
    const addr = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
    const flags = b[tcp + 13];
    segs.push({
      tsUs,
      src: `${addr(ip + 12)}:${b.readUInt16BE(tcp)}`,
      dst: `${addr(ip + 16)}:${b.readUInt16BE(tcp + 2)}`,
      syn: (flags & 0x02) !== 0,
      ack: (flags & 0x10) !== 0,
    });
  }
  return { linkType, segs };
}

const names = labFixtureNames();

describe("lab fixtures", () => {
  it("exist", () => {
    expect(names.length).toBeGreaterThan(0);
  });

  describe.each(names)("%s", (name) => {
    const { files, truth } = loadLabFixture(name);
    const logs = files.filter((f) => /^edgemicro-.+-\d+-api\.log$/.test(path.basename(f)));
    const configs = files.filter((f) => /-config\.yaml$/.test(path.basename(f)));
    const capture = files.find((f) => path.basename(f) === "capture.pcap");
    const logLines = logs.flatMap((f) => readFileSync(f, "utf8").split("\n"));

    it("has a gateway log, an ORG-ENV config and a capture", () => {
      expect(logs.length).toBeGreaterThan(0);
      expect(configs.length).toBe(1);
      expect(capture).toBeDefined();
      expect(truth.log.files.sort()).toEqual(logs.map((f) => path.basename(f)).sort());
    });

    it("counts the log's client-facing 502 and 504 transactions as the log says", () => {
      // The target's own 502 shows on its targetResponse lines too, and at level trace the gateway's error line is
      // written twice ([error] and [trace]): the client got one per transaction, i.e. per correlation id.
      const status = (s: string) =>
        new Set(
          logLines
            .filter((l) => l.includes(`][${s}][`) && !/\]\[targetResponse[^\]]*\]\[[A-Z]+\]\[/.test(l))
            .map((l) => /^\S+ \[[a-z]+\](?:\[[^\]]*\]){7}\[([^\]]*)\]/.exec(l)?.[1]),
        ).size;
      expect(truth.log.status502).toBe(status("502"));
      expect(truth.log.status504).toBe(status("504"));
      for (const t of truth.targets) {
        const n = logLines.filter(
          (l) => l.includes(`[error][${t.target}]`) && l.includes("[targetRequest error]"),
        ).length;
        expect(n, t.target).toBe(t.logTargetRequestErrors);
      }
      // every failing connection on the wire cost the client a 502 (504 for the gateway's own timeout); a target
      // request the gateway aborted because its client left mid-upload is logged as a 502 socket hang up too
      const c = truth.counts;
      const abortCloses = truth.connections.filter((x) => x.gatewayCloseCause === "client-abort").length;
      expect(abortCloses).toBe(truth.log.status502ClientAborts ?? 0);
      expect(c["keepalive-race"] + c["premature-close"] + c.refused + abortCloses).toBeLessThanOrEqual(
        truth.log.status502,
      );
      // a worker that died with requests in flight logged nothing for them (worker-crash-mid-request)
      const exitCloses = truth.connections.filter((x) => x.gatewayCloseCause === "gateway-exit").length;
      // its timeout in the middle of an answer logs no 504, the status had gone on: `targetResponse error` aborted
      // (timeout-streaming)
      const midAnswer = truth.connections.filter((x) => x.midResponse && x.gatewayCloseCause !== "gateway-exit");
      expect(c["gateway-close"] - abortCloses - exitCloses - midAnswer.length).toBeLessThanOrEqual(truth.log.status504);
      expect(midAnswer.length).toBeLessThanOrEqual(
        logLines.filter((l) => l.includes("[targetResponse error]") && l.includes("[aborted]")).length,
      );
      // at level info the gateway says so, once per aborted target request (with status 499)
      if (truth.gateway.logLevel === "info")
        expect(
          logLines.filter((l) =>
            /\]\[sourceResponse on close, source request aborted - abort target request\]\[[A-Z]+\]\[499\]/.test(l),
          ).length,
        ).toBe(abortCloses);
    });

    it("agrees with what the backends logged about their own closes", () => {
      // truth comes from the wire; the backends' event logs (truth.backendCrossCheck) never feed it
      for (const t of truth.targets) {
        const b = truth.backendCrossCheck[t.target];
        if (!b) continue; // nothing listens there
        const idleByTarget = truth.connections.filter(
          (c) => c.target === t.target && c.class === "normal" && c.closedBy === "target",
        ).length;
        // a target that announces its close (Connection: close) closes every connection after its response; the
        // gateway, told so, may close first on the wire
        const announcedByGateway = b.announcedCloses
          ? truth.connections.filter((c) => c.target === t.target && c.class === "normal" && c.closedBy === "gateway")
              .length
          : 0;
        expect(t.counts["keepalive-race"] + idleByTarget + announcedByGateway, `${t.target} idle closes`).toBe(
          b.idleCloses + (b.announcedCloses ?? 0),
        );
        // its idle timer firing while a slow response was owed closes after the request was read, as a hang-up does
        // and a TLS server handed plain HTTP rejects each request at once, as a hang-up does
        expect(t.counts["premature-close"], `${t.target} hang-ups`).toBe(
          b.hangups + (b.idleDuringRequest ?? 0) + (b.plainToTls ?? 0),
        );
        // responses it cut short, handshakes its TLS server saw fail
        expect(t.counts["target-reset-mid-response"], `${t.target} cut short`).toBe(b.truncated ?? 0);
        expect(t.counts["tls-handshake-failed"], `${t.target} TLS`).toBe((b.tlsErrors ?? 0) + (b.badRequests ?? 0));
        // answers it sent not valid HTTP, or with heads over Node's limit, on purpose, as tshark reads them on the
        // gateway leg
        expect(t.invalidResponses ?? 0, `${t.target} not valid HTTP`).toBe(
          (b.malformed ?? 0) + (b.bigHeads ?? 0) + (b.badHeaders ?? 0),
        );
        // each failing connection of this target has its own targetRequest error line, but a response cut short by a
        // FIN, the target's or the gateway's own timeout: the gateway had the response and logs only `targetResponse
        // error` (aborted / ECONNRESET), no 502
        const cutWithout502 = truth.connections.filter(
          (c) =>
            c.target === t.target &&
            ((c.class === "target-reset-mid-response" && c.closeFlag === "FIN") ||
              (c.midResponse && c.gatewayCloseCause !== "gateway-exit")),
        ).length;
        expect(t.failingConnections - cutWithout502).toBeLessThanOrEqual(t.logTargetRequestErrors);
        const responseErrors = logLines.filter(
          (l) => l.includes(`[${t.target}]`) && l.includes("[targetResponse error]") && l.includes("[aborted]"),
        ).length;
        expect(t.counts["target-reset-mid-response"]).toBeLessThanOrEqual(responseErrors);
      }
    });

    it("matches the config it ran with", () => {
      const cfg = parseYaml(readFileSync(configs[0], "utf8"));
      expect(cfg.edgemicro.logging.level).toBe(truth.gateway.logLevel);
      expect(cfg.edgemicro.keep_alive_timeout ?? null).toBe(truth.gateway.keepAliveTimeoutMs);
      const urls = (cfg.proxies as { url: string; name: string }[]).map((p) => [p.name, new URL(p.url).host]);
      for (const t of truth.targets) expect(urls).toContainEqual([t.proxy, t.target]);
    });

    it("lists exactly the capture's connections, at their SYN times", () => {
      const { linkType, segs } = walkPcap(capture!);
      expect(linkType).toBe(276);
      const targets = new Set(truth.targets.map((t) => t.target));
      expect(segs.every((s) => targets.has(s.src) || targets.has(s.dst))).toBe(true);
      const syns = segs.filter((s) => s.syn && !s.ack && targets.has(s.dst));
      for (const t of truth.targets) {
        const mine = truth.connections.filter((c) => c.target === t.target);
        expect(mine.length).toBe(t.counts.total);
        expect(new Set(mine.map((c) => c.gatewayPort))).toEqual(
          new Set(segs.filter((s) => s.dst === t.target).map((s) => Number(s.src.split(":")[1]))),
        );
      }
      // The gateway's own address is the loopback, or its address on the route to the target (the blackhole's).
      const synTimes = new Set(syns.map((s) => `${s.src.split(":")[1]}>${s.dst}@${s.tsUs}`));
      for (const c of truth.connections)
        expect(synTimes.has(`${c.gatewayPort}>${c.target}@${c.synTimeUs}`), `${c.gatewayPort}`).toBe(true);
      const sum = Object.values(truth.counts).reduce((a, b) => a + b, 0);
      expect(sum).toBe(truth.connections.length);
    });
  });
});
