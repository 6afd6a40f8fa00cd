import { describe, expect, it } from "vitest";
import { diagnose, type DiagnosisEvidence } from "./index";

const logs = (status502 = 3, econnreset = 3): DiagnosisEvidence["logs"] => ({
  present: true, coverage: "full", status502, econnreset, byTarget: [{ target: "127.0.0.1:28081", proxy: "edgemicro_orders /emg_badtarget", errors502: status502, requests: 25 }],
});
const config = (keepAliveTimeoutMs: number | null = 65000): NonNullable<DiagnosisEvidence["config"]> => ({
  present: true, keepAliveTimeoutMs, requestTimeoutS: 30, loggingLevel: "info", fileName: "acme-prod-config.yaml",
  proxies: [{ name: "edgemicro_orders", basePath: "/emg_badtarget", target: "127.0.0.1:28081" }], configLine: { keepAliveTimeout: 4, proxies: 20 },
});
const capture = (race: number, prem: number, idle: number | null = 2000): NonNullable<DiagnosisEvidence["capture"]> => ({
  present: true, byClass: { "keepalive-race": race, "premature-close": prem, normal: 20 }, inferredTargetIdleMs: idle, support: 5, keepAliveHeaderS: null,
  explained502: { "keepalive-race": race, "premature-close": prem },
});
const ev = (p: Partial<DiagnosisEvidence>): DiagnosisEvidence => ({ logs: logs(), config: config(), capture: null, answers: {}, ...p });
const step = (d: ReturnType<typeof diagnose>, id: string) => d.steps.find((s) => s.id === id)!;

describe("diagnose: verdicts", () => {
  it("race only → keepalive-mismatch, hop violation gateway vs target, fix below the target's timeout", () => {
    const d = diagnose(ev({ capture: capture(3, 0) }));
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high", explains502: 3 });
    expect(d.violations).toEqual([{ upstream: "target", downstream: "gateway", byMs: 63000 }]);
    expect(d.hops.map((h) => [h.name, h.keepAliveMs, h.source])).toEqual([["client/load balancer", null, null], ["gateway", 65000, "config"], ["target", 2000, "capture"]]);
    expect(d.fix?.snippet).toBe("# ~/.edgemicro/acme-prod-config.yaml\nedgemicro:\n  keep_alive_timeout: 1500");
    expect(d.fix?.notes.join(" ")).toMatch(/no idle timeout of their own/);
    expect(step(d, "keepalive-order").outcome).toBe("fail");
    expect(step(d, "premature-close").outcome).toBe("pass");
    expect(d.mustGather).toEqual([]);
    expect(step(d, "keepalive-order").readMore).toMatch(/^https:\/\/docs\.apigee\.com\//);
    const linked = diagnose(ev({ incidentId: "inc_1", capture: capture(3, 0) }));
    expect(step(linked, "keepalive-order").evidence).toContainEqual(expect.objectContaining({ kind: "capture", href: "/incidents/inc_1/connections?class=keepalive-race" }));
  });

  it("premature close only → premature-close with the target-logs fix", () => {
    const d = diagnose(ev({ config: config(1000), capture: capture(0, 2, null) }));
    expect(d.verdict).toMatchObject({ cause: "premature-close", confidence: "high", explains502: 2 });
    expect(step(d, "premature-close").outcome).toBe("fail");
    expect(d.fix?.title).toMatch(/target closes/);
  });

  it("both shapes → both, explaining the sum", () => {
    const d = diagnose(ev({ capture: capture(2, 1) }));
    expect(d.verdict).toMatchObject({ cause: "both", explains502: 3 });
    expect(d.fix?.snippet).toContain("keep_alive_timeout: 1500");
  });

  it("logs only → insufficient-data; must-gather names the capture and the config", () => {
    const d = diagnose(ev({ config: null }));
    expect(d.verdict.cause).toBe("insufficient-data");
    const items = d.mustGather.map((m) => m.item).join("\n");
    expect(items).toMatch(/packet capture of the gateway↔target leg/i);
    expect(items).toMatch(/config\.yaml/);
    expect(items).not.toMatch(/Gateway log files/);
    expect(step(d, "find-502s").outcome).toBe("fail");
    expect(step(d, "keepalive-order").question?.id).toBe("targetKeepAliveMs");
    expect(step(d, "premature-close").question?.id).toBe("targetLogsChecked");
    expect(d.fix).toBeNull();
  });

  it("config only → insufficient-data; must-gather lists the logs, the capture and the time window", () => {
    const d = diagnose({ logs: { present: false, coverage: "none", status502: 0, econnreset: 0, byTarget: [] }, config: config(null), capture: null, answers: {} });
    expect(d.verdict.cause).toBe("insufficient-data");
    expect(d.hops[1]).toMatchObject({ keepAliveMs: 5000, source: "default" });
    expect(d.mustGather.map((m) => m.item).join("\n")).toMatch(/Gateway log files[\s\S]*packet capture/i);
    expect(step(d, "find-502s").outcome).toBe("unknown");
  });

  it("no 502 → no-502 and the time window is missing", () => {
    const d = diagnose(ev({ logs: logs(0, 0), capture: capture(0, 0) }));
    expect(d.verdict.cause).toBe("no-502");
    expect(d.mustGather.map((m) => m.item)).toContain("The time window of the failure");
  });

  it("errors-only logs → must-gather asks for level info", () => {
    const d = diagnose(ev({ logs: { ...logs(), coverage: "errors-only" }, config: { ...config(), loggingLevel: "error" }, capture: capture(3, 0) }));
    expect(d.mustGather.map((m) => m.item).join("\n")).toMatch(/level info/);
  });
});

describe("diagnose: hop check with a person's answers", () => {
  it("an answered target keep-alive turns insufficient-data into keepalive-mismatch, and the snippet follows it", () => {
    const before = diagnose(ev({ capture: capture(0, 0, null) }));
    expect(before.verdict.cause).toBe("insufficient-data");
    const after = diagnose(ev({ capture: capture(0, 0, null), answers: { targetKeepAliveMs: 30000 } }));
    expect(after.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
    expect(after.violations).toEqual([{ upstream: "target", downstream: "gateway", byMs: 35000 }]);
    expect(after.fix?.snippet).toContain("keep_alive_timeout: 29000");
  });

  it("an answer overrides the capture's inference; a target longer than the gateway clears the violation", () => {
    const d = diagnose(ev({ capture: capture(3, 0), answers: { targetKeepAliveMs: 120000 } }));
    expect(d.violations).toEqual([]);
    expect(d.hops[2]).toMatchObject({ keepAliveMs: 120000, source: "answer" });
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
  });

  it("a load balancer keeping idle connections longer than the gateway is a violation too", () => {
    const d = diagnose(ev({ config: config(60000), capture: capture(0, 0, 90000), answers: { lbKeepAliveMs: 75000 } }));
    expect(d.violations).toEqual([{ upstream: "gateway", downstream: "client/load balancer", byMs: 15000 }]);
    expect(step(d, "keepalive-order").outcome).toBe("warn");
  });

  it("target logs answered 'closed' without capture → premature-close", () => {
    const d = diagnose(ev({ config: null, answers: { targetLogsChecked: "yes-closed" } }));
    expect(d.verdict.cause).toBe("premature-close");
  });
});
