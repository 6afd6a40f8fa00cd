import { describe, expect, it } from "vitest";
import { evidenceFromView, parseAnswers } from "./load";

import { NO_CAPTURE } from "@/lib/incidents/target-connections";

const profile = {
  target: "t:1",
  responseFloorMs: 40,
  answered: 9,
  maxReuseGapMs: 800,
  idleCloses: 2,
  quickCloses: 0,
  cluster: { ms: 2003, n: 4, spreadMs: 3, of: 4 },
  clusterNote: null,
  keepAliveHeaderS: null,
  serverErrors: {},
};
const cfg = (keep: number) => ({ config: { edgemicro: { keep_alive_timeout: keep }, proxies: [], lines: {} } });
const baseView = (
  files: Array<{ kind: string; name?: string; counts?: unknown }>,
  conn: Record<string, unknown> = {},
) =>
  ({
    id: "inc_x",
    files: files.map((f, i) => ({
      id: `f${i}`,
      name: f.name ?? `f${i}`,
      kind: f.kind,
      size: 1,
      status: "done",
      bytesDone: 1,
      error: null,
      counts: f.counts ?? {},
      parentId: null,
    })),
    summary: { status502: 2, errorCodes: { ECONNRESET: 2 }, logCoverage: "full" },
    targets: [
      {
        target: "t:1",
        proxy: null,
        requests: 10,
        errors502: 2,
        errors504: 0,
        errorCodes: { ECONNRESET: 2 },
        ...NO_CAPTURE,
        ...conn,
      },
    ],
  }) as never;

describe("evidence loader", () => {
  it("zeroed connection facts without a capture file mean no capture", () => {
    expect(evidenceFromView(baseView([{ kind: "gateway-log" }]), {}).capture).toBeNull();
  });
  it("a parsed capture with no connection facts is present with zero counts", () => {
    expect(evidenceFromView(baseView([{ kind: "pcapng" }]), {}).capture).toMatchObject({
      present: true,
      byClass: {},
      inferredTargetIdleMs: null,
    });
  });
  it("reads classes, the target's idle timer and the 502s explained, per target and in total", () => {
    const conn = {
      connections: { total: 5, byClass: { "keepalive-race": 2 } },
      explained502: { "keepalive-race": 2 },
      races: { "idle-timer": 2 },
      profile,
    };
    const e = evidenceFromView(baseView([{ kind: "pcap" }], conn), { targetKeepAliveMs: 3000 });
    expect(e.capture).toMatchObject({
      byClass: { "keepalive-race": 2 },
      inferredTargetIdleMs: 2003,
      support: 4,
      explained502: { "keepalive-race": 2 },
      target: "t:1",
    });
    expect(e.targets[0].capture).toMatchObject({ races: { "idle-timer": 2 }, profile: { cluster: { ms: 2003 } } });
    expect(e.answers).toEqual({ targetKeepAliveMs: 3000 });
    expect(e.config).toBeNull();
  });
  it("takes the running ORG-ENV-config.yaml, not the default.yaml template beside it", () => {
    const e = evidenceFromView(
      baseView([
        { kind: "gateway-config", name: "b.zip/default.yaml", counts: cfg(1) },
        { kind: "gateway-config", name: "b.zip/acme-prod-config.yaml", counts: cfg(2) },
      ]),
      {},
    );
    expect(e.config).toMatchObject({ fileName: "acme-prod-config.yaml", keepAliveTimeoutMs: 2 });
  });
  it("of two environments' configs, takes the one whose proxies name the incident's targets", () => {
    const env = (keep: number, target: string) => {
      const [host, port] = target.split(":");
      const proxies = [{ name: "p", base_path: "/p", target: { host, port: Number(port) } }];
      return { config: { ...cfg(keep).config, proxies } };
    };
    const files = (testTarget: string) =>
      baseView([
        { kind: "gateway-config", name: "acme-prod-config.yaml", counts: env(1, "t:9") },
        { kind: "gateway-config", name: "acme-test-config.yaml", counts: env(2, testTarget) },
      ]);
    expect(evidenceFromView(files("t:1"), {}).config).toMatchObject({ fileName: "acme-test-config.yaml" });
    // Neither names them: the first by name, as the page lists them.
    expect(evidenceFromView(files("t:8"), {}).config).toMatchObject({ fileName: "acme-prod-config.yaml" });
  });
  it("ignores malformed saved answers", () => {
    expect(parseAnswers({ targetKeepAliveMs: "x" })).toEqual({});
    expect(parseAnswers(null)).toEqual({});
  });
});
