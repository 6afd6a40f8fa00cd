import { describe, expect, it } from "vitest";
import { evidenceFromView, parseAnswers } from "./load";

const zeroed = { connections: { total: 0, byClass: {} }, inferredIdleTimeoutMs: null, idleTimeoutSupport: 0, explained502: {} };
const baseView = (files: Array<{ kind: string }>, conn: Record<string, unknown> = zeroed) =>
  ({
    id: "inc_x",
    files: files.map((f, i) => ({ id: `f${i}`, name: `f${i}`, kind: f.kind, size: 1, status: "done", bytesDone: 1, error: null, counts: {}, parentId: null })),
    summary: { status502: 2, errorCodes: { ECONNRESET: 2 }, logCoverage: "full" },
    targets: [{ target: "t:1", proxy: null, requests: 10, errors502: 2, ...conn }],
  }) as never;

describe("evidence loader", () => {
  it("zeroed connection facts without a capture file mean no capture", () => {
    expect(evidenceFromView(baseView([{ kind: "gateway-log" }]), {}).capture).toBeNull();
  });
  it("a parsed capture with no connection facts is present with zero counts", () => {
    expect(evidenceFromView(baseView([{ kind: "pcapng" }]), {}).capture).toMatchObject({ present: true, byClass: {}, inferredTargetIdleMs: null });
  });
  it("reads classes, the inferred idle timeout and the 502s explained", () => {
    const e = evidenceFromView(baseView([{ kind: "pcap" }], { connections: { total: 5, byClass: { "keepalive-race": 2 } }, inferredIdleTimeoutMs: 2003, idleTimeoutSupport: 4, explained502: { "keepalive-race": 2 } }), { targetKeepAliveMs: 3000 });
    expect(e.capture).toMatchObject({ byClass: { "keepalive-race": 2 }, inferredTargetIdleMs: 2003, support: 4, explained502: { "keepalive-race": 2 } });
    expect(e.answers).toEqual({ targetKeepAliveMs: 3000 });
    expect(e.config).toBeNull();
  });
  it("ignores malformed saved answers", () => {
    expect(parseAnswers({ targetKeepAliveMs: "x" })).toEqual({});
    expect(parseAnswers(null)).toEqual({});
  });
});
