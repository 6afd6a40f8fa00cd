import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, config, configOnlyEvidence, ev, profile, racing, step, target, type Cap } from "./test-evidence";

describe("a capture without any log", () => {
  const noLog = { logs: { present: false, coverage: "none" as const, status502: 0, econnreset: 0, byTarget: [] } };
  const unlogged = (capture: Cap) =>
    target({ requests: 0, errors502: 0, errorCodes: {}, capture: { ...capture, explained502: {} } });

  it("the target's own 502s on the wire → target-error", () => {
    const serverErrors = { "502": 4 };
    const d = diagnose(ev([unlogged(cap({}, { profile: { ...profile(null), serverErrors } }))], noLog));
    expect(d.targets[0]).toMatchObject({ cause: "target-error", explains502: 4 });
  });

  it("connections the gateway closed with a request pending → gateway-timeout, medium (or the client left)", () => {
    const d = diagnose(ev([unlogged(cap({ "gateway-close": 3 }))], noLog));
    expect(d.targets[0]).toMatchObject({ cause: "gateway-timeout", confidence: "medium", explains502: 3 });
    expect(d.targets[0].summary).toMatch(/client went away/);
  });

  it("each failing close counts as a failure, so races outweigh two of the target's own 504s", () => {
    // Blind lab world random-29 without its log: 5 races, 9 hang-ups and 2 answers of 504 on one target.
    const closes = cap(
      { "keepalive-race": 5, "premature-close": 9 },
      {
        races: { "idle-timer": 5 },
        premature: { "answer-time": 9 },
        profile: { ...profile(1760), serverErrors: { "504": 2 } },
      },
    );
    const d = diagnose(ev([unlogged(closes)], noLog));
    expect(d.targets[0]).toMatchObject({ cause: "both", explains502: 16 });
  });

  it("nothing failing on the wire is healthy at medium: DNS or TLS failures never reach it", () => {
    const d = diagnose(ev([unlogged(cap({}))], noLog));
    expect(d.targets[0]).toMatchObject({ cause: "healthy", confidence: "medium" });
  });
});

describe("diagnose: evidence that is missing or typed by a person", () => {
  it("resets without a capture → insufficient-data; must-gather names the capture", () => {
    const d = diagnose(ev([target()], { config: null }));
    expect(d.verdict.cause).toBe("insufficient-data");
    expect(d.targets[0].summary).toMatch(/no capture of this target/);
    const items = d.mustGather.map((m) => m.item).join("\n");
    expect(items).toMatch(/packet capture of the gateway↔target leg/i);
    expect(items).toMatch(/config\.yaml/);
    expect(step(d, "keepalive-order").question?.id).toBe("targetKeepAliveMs");
    expect(step(d, "premature-close").question?.id).toBe("targetLogsChecked");
    expect(d.fix).toBeNull();
  });

  it("an answered target keep-alive not longer than the gateway's → keepalive-mismatch, low, marked as an answer", () => {
    const d = diagnose(ev([target()], { answers: { targetKeepAliveMs: 30000 } }));
    expect(d.targets[0]).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(d.targets[0].evidence).toContainEqual({ kind: "answer", label: "target keep-alive 30 s" });
  });

  it("the capture's idle timer outweighs a contradicting answer, and says so", () => {
    const d = diagnose(ev([racing()], { answers: { targetKeepAliveMs: 120000 } }));
    expect(d.hops[2]).toMatchObject({ keepAliveMs: 2000, source: "capture" });
    const labels = step(d, "keepalive-order")
      .evidence.map((x) => x.label)
      .join("\n");
    expect(labels).toMatch(/Your answer \(target keep-alive 120000 ms\) disagrees with the capture/);
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
  });

  it("a load balancer keeping idle connections longer than the gateway is a violation", () => {
    const d = diagnose(
      ev([target({ errors502: 0, errorCodes: {}, capture: cap({}) })], {
        config: config(60000),
        answers: { lbKeepAliveMs: 75000 },
      }),
    );
    expect(d.violations).toEqual([{ upstream: "gateway", downstream: "client/load balancer", byMs: 15000 }]);
    expect(step(d, "keepalive-order").outcome).toBe("warn");
  });

  it("target logs answered 'closed' without capture → premature-close, low", () => {
    const d = diagnose(ev([target()], { config: null, answers: { targetLogsChecked: "yes-closed" } }));
    expect(d.verdict).toMatchObject({ cause: "premature-close", confidence: "low" });
  });

  it("config only → insufficient-data; must-gather lists the logs and the capture", () => {
    const d = diagnose(configOnlyEvidence());
    expect(d.verdict.cause).toBe("insufficient-data");
    expect(d.hops[1]).toMatchObject({ keepAliveMs: 5000, source: "default" });
    expect(d.mustGather.map((m) => m.item).join("\n")).toMatch(/Gateway log files[\s\S]*packet capture/i);
    expect(step(d, "find-502s").outcome).toBe("unknown");
  });

  it("no failures → no-502 and the time window is missing", () => {
    const d = diagnose(ev([target({ errors502: 0, errorCodes: {}, capture: cap({}) })]));
    expect(d.verdict.cause).toBe("no-502");
    expect(d.targets[0].cause).toBe("healthy");
    expect(d.mustGather.map((m) => m.item)).toContain("The time window of the failure");
  });

  it("must-gather names the collector command for what the bundle lacks", () => {
    const noCapture = diagnose(ev([target({ capture: undefined })], { capture: null }));
    const capItem = noCapture.mustGather.find((m) => /packet capture/i.test(m.item));
    expect(capItem).toMatchObject({
      command: "sudo node emg-collect.mjs --capture-only --until-502 5",
      href: "/collector/emg-collect.mjs",
    });
    const configOnly = diagnose(configOnlyEvidence());
    expect(configOnly.mustGather.filter((m) => m.command).map((m) => m.command)).toEqual([
      "sudo node emg-collect.mjs --until-502 5",
      "sudo node emg-collect.mjs --until-502 5",
    ]);
    const complete = diagnose(ev([racing()]));
    expect(complete.mustGather.filter((m) => m.command)).toEqual([]);
  });

  it("errors-only logs → must-gather asks for level info", () => {
    const e = ev([racing()]);
    const d = diagnose({
      ...e,
      logs: { ...e.logs, coverage: "errors-only" },
      config: { ...config(), loggingLevel: "error" },
    });
    expect(d.mustGather.map((m) => m.item).join("\n")).toMatch(/level info/);
  });
});
