/**
 * The incident page's evidence on a real recording (lab two-hosts-one-port: 127.0.0.2:9000 races at its 1 s idle
 * timer, 127.0.0.3:9000 hangs up on some requests): the idle-gap histograms, 502s by path, the timeline's
 * "killed a request" markers and the one line of evidence each verdict leads with.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestEnv } from "@/lib/testing/test-db";
import { openIngested } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { loadLabFixture } from "@/lib/analysis/lab-truth";
import { failurePaths, idleGapCharts } from "@/lib/incidents/evidence-charts";
import { keyEvidence } from "@/lib/analysis/key-evidence";
import { timelineChartData } from "@/lib/analysis/chart-data";

const RACER = "127.0.0.2:9000";
const HANGER = "127.0.0.3:9000";
const { truth, files } = loadLabFixture("two-hosts-one-port");
let t: TestEnv;
let id: string;
let view: IncidentView;
beforeAll(async () => {
  ({ t, incidentId: id } = await openIngested(files));
  view = IncidentView.parse(await getIncidentView(t.handle.prisma, id));
}, 300_000);
afterAll(async () => t?.cleanup());

const truthOf = (target: string) => truth.targets.find((x) => x.target === target)!;

describe("idle-gap histograms", () => {
  it("show the racing target's closes as one spike at its idle timer, marked with the timer and the gateway's setting", async () => {
    const row = view.targets.find((r) => r.target === RACER)!;
    const charts = await idleGapCharts(t.handle.prisma, id, {
      timerMs: (x) => view.targets.find((r) => r.target === x)?.profile?.cluster?.ms ?? null,
      gatewayKeepAliveMs: 30_000,
    });
    const h = charts.find((c) => c.target === RACER)!;
    const tt = truthOf(RACER);
    // Every connection the target closed: its idle closes and the races (tshark's truth).
    expect(h.total).toBe(tt.idleCloses.byTarget.count + tt.counts["keepalive-race"]);
    const tallest = h.bars.reduce((a, b) => (b.n > a.n ? b : a));
    expect(tallest.fromMs).toBeLessThanOrEqual(tt.idleTimeoutMs!);
    expect(tallest.toMs).toBeGreaterThan(tt.idleTimeoutMs! * 0.97);
    expect(tallest.n).toBeGreaterThanOrEqual(0.9 * h.total);
    expect(h.bars.reduce((a, b) => a + b.race, 0)).toBe(tt.counts["keepalive-race"]);
    // 1 s and 30 s on one axis: log scale, both marks drawn on the bars that hold them.
    expect(h.scale).toBe("log");
    expect(h.marks.map((m) => m.name)).toEqual(["target idle timer (capture)", "gateway keep_alive_timeout"]);
    expect(h.marks[0].bar).toBe(tallest.label);
    expect(h.marks[0].ms).toBe(row.profile!.cluster!.ms);
  });

  it("scatter the premature-closing target's closes (no bar holds most of them)", async () => {
    const charts = await idleGapCharts(t.handle.prisma, id, { timerMs: () => null, gatewayKeepAliveMs: null });
    const h = charts.find((c) => c.target === HANGER)!;
    expect(h.bars.reduce((a, b) => a + b.premature, 0)).toBe(
      view.targets.find((r) => r.target === HANGER)!.connections.byClass["premature-close"],
    );
    expect(Math.max(...h.bars.map((b) => b.n))).toBeLessThan(h.total);
  });
});

it("counts 502s by target and path, without the query string", async () => {
  const paths = await failurePaths(t.handle.prisma, id);
  for (const r of view.targets.filter((x) => x.errors502 > 0)) {
    const p = paths.find((x) => x.target === r.target)!;
    expect(p.paths.reduce((a, x) => a + x.s502, 0) + p.other502).toBe(r.errors502);
    expect(p.paths.every((x) => x.path.startsWith("/") && !x.path.includes("?"))).toBe(true);
  }
  // The hang-ups live on one endpoint, as the capture's premature paths say.
  const hang = paths.find((x) => x.target === HANGER)!;
  expect(hang.paths[0].path).toMatch(/\/items\/2$/);
});

it("marks the closes that killed a request apart from ordinary closes on the timeline", () => {
  const b = view.timeline.buckets;
  const kills = b.reduce((a, x) => a + x.killFin + x.killRst, 0);
  const explained = view.targets.reduce((a, r) => a + Object.values(r.explained502).reduce((s, n) => s + n, 0), 0);
  expect(kills).toBe(explained);
  expect(kills).toBeGreaterThan(0);
  const chart = timelineChartData(view.timeline);
  const sum = (k: string) => chart.rows.reduce((a, r) => a + Number(r[k] ?? 0), 0);
  expect(sum("killFin") + sum("killRst")).toBe(kills);
  expect(sum("targetFin") + sum("targetRst") + kills).toBe(b.reduce((a, x) => a + x.targetFin + x.targetRst, 0));
});

it("leads each verdict with its strongest evidence", () => {
  const line = (target: string) =>
    keyEvidence(
      view.diagnosis.targets.find((v) => v.target === target)!,
      view.targets.find((r) => r.target === target),
    );
  const c = view.targets.find((r) => r.target === RACER)!.profile!.cluster!;
  expect(line(RACER).map((e) => e.text)).toEqual([`idle timer ≈ 1.00 s: ${c.n} of ${c.of} idle closes agree`]);
  expect(line(RACER)[0].href).toContain("class=keepalive-race");
  const n = view.targets.find((r) => r.target === HANGER)!.connections.byClass["premature-close"];
  expect(line(HANGER).map((e) => e.text)).toEqual([
    `${n} closes without a response after the target had the request (most on /items/2)`,
  ]);
});
