import { describe, expect, it } from "vitest";
import { compareIncidents } from "./compare";
import type { IncidentView } from "@/lib/api/incident-schema";

const conn = (race: number) => ({
  connections: { total: 10, byClass: { "keepalive-race": race } },
  inferredIdleTimeoutMs: 2000,
  idleTimeoutSupport: 4,
  explained502: {},
});
const target = (name: string, requests: number | null, errors502: number, race = 0) => ({
  target: name,
  proxy: null,
  requests,
  errors502,
  errors504: 0,
  errorRate: requests ? errors502 / requests : null,
  errorCodes: {},
  p50Ms: null,
  p95Ms: null,
  ...conn(race),
});
const view = (id: string, targets: ReturnType<typeof target>[], gatewayMs: number, cause: string): IncidentView =>
  ({
    id,
    title: id,
    url: `/incidents/${id}`,
    summary: {
      firstTs: 1,
      lastTs: 2,
      transactions: 100,
      status502: targets.reduce((n, t) => n + t.errors502, 0),
      logCoverage: "full",
    },
    targets,
    diagnosis: {
      verdict: { cause, confidence: "high", explains502: 0, summary: "" },
      hops: [
        { name: "client/load balancer", keepAliveMs: null, source: null },
        { name: "gateway", keepAliveMs: gatewayMs, source: "config" },
        { name: "target", keepAliveMs: 2000, source: "capture" },
      ],
      violations: gatewayMs >= 2000 ? [{ upstream: "target", downstream: "gateway", byMs: gatewayMs - 2000 }] : [],
    },
  }) as unknown as IncidentView;

describe("compareIncidents", () => {
  it("lines targets up across both incidents, the worst first, with the change in 502 rate", () => {
    const before = view("a", [target("t:1", 100, 12, 12), target("t:2", 50, 0)], 65000, "keepalive-mismatch");
    const after = view("b", [target("t:1", 120, 0), target("t:3", 10, 1)], 1500, "no-502");
    const c = compareIncidents(before, after);
    expect(c.targets.map((t) => t.target)).toEqual(["t:1", "t:3", "t:2"]);
    expect(c.targets[0].a).toMatchObject({ errors502: 12, errorRate: 0.12, races: 12 });
    expect(c.targets[0].rateChange).toBeCloseTo(-0.12);
    expect(c.targets[1]).toMatchObject({ a: null, rateChange: null });
    expect(c.a.hops.gateway).toEqual({ keepAliveMs: 65000, source: "config" });
    expect(c.b.hops.gateway.keepAliveMs).toBe(1500);
    expect([c.a.verdict.cause, c.b.verdict.cause, c.a.violations, c.b.violations]).toEqual([
      "keepalive-mismatch",
      "no-502",
      1,
      0,
    ]);
  });

  it("an unknown request count (errors-only logs) gives no rate and no change", () => {
    const c = compareIncidents(
      view("a", [target("t:1", null, 3)], 65000, "x"),
      view("b", [target("t:1", 10, 0)], 65000, "x"),
    );
    expect(c.targets[0]).toMatchObject({ rateChange: null, a: { errorRate: null } });
  });
});
