import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { ingestBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { percentileCont } from "./log-aggregates";
import { synthesizeLog } from "@/scripts/bench/synth-log";

/*
 * The incident page reads aggregates written at ingest (LogBucket, LogTargetStat). Here they are checked
 * against the direct scan they replace: the same SQL over every LogTransaction row, including PostgreSQL's
 * own percentile_cont, on a synthesized log with two targets, 502s, 504s and several durations.
 */
let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

describe("log aggregates", () => {
  it("give the numbers of a full scan of the transactions", async () => {
    const file = path.join(t.scratch, "edgemicro-agg-api.log");
    await synthesizeLog(file, 20_000, { targets: ["10.9.9.9:8081", "10.9.9.8:9000"], spanMs: 3 * 3_600_000 });
    const { incidentId: id } = await ingestBundle(t, [file]);
    const view = (await getIncidentView(t.handle.prisma, id))!;
    const db = t.handle.prisma;

    const [tot] = await db.$queryRaw<Array<{ n: bigint; s502: bigint; s504: bigint }>>`
      SELECT count(*) n, count(*) FILTER (WHERE status = 502) s502, count(*) FILTER (WHERE status = 504) s504 FROM "LogTransaction" WHERE "incidentId" = ${id}`;
    expect(view.summary.transactions).toBe(Number(tot.n));
    expect(view.summary.status502).toBe(Number(tot.s502));
    expect(view.summary.status504).toBe(Number(tot.s504));
    expect(Number(tot.s502)).toBeGreaterThan(0);
    expect(Number(tot.s504)).toBeGreaterThan(0);

    const codes = await db.$queryRaw<Array<{ code: string; n: bigint }>>`
      SELECT coalesce("errCode", 'none') code, count(*) n FROM "LogTransaction" WHERE "incidentId" = ${id} AND status >= 500 GROUP BY 1`;
    expect(view.summary.errorCodes).toEqual(Object.fromEntries(codes.map((c) => [c.code, Number(c.n)])));

    const bucketMs = view.timeline.bucketMs;
    const bars = await db.$queryRaw<Array<{ b: number; total: bigint; s502: bigint }>>`
      SELECT (floor(extract(epoch from "startTs") * 1000 / ${bucketMs}) * ${bucketMs})::float8 b, count(*) total, count(*) FILTER (WHERE status = 502) s502
      FROM "LogTransaction" WHERE "incidentId" = ${id} GROUP BY 1 ORDER BY 1`;
    expect(view.timeline.buckets.map((b) => [b.t, b.total, b.s502])).toEqual(
      bars.map((r) => [Number(r.b), Number(r.total), Number(r.s502)]),
    );

    const targets = await db.$queryRaw<
      Array<{
        target: string;
        proxy: string;
        requests: bigint;
        e502: bigint;
        e504: bigint;
        p50: number | null;
        p95: number | null;
      }>
    >`
      SELECT target, min(proxy) proxy, count(*) requests, count(*) FILTER (WHERE status = 502) e502, count(*) FILTER (WHERE status = 504) e504,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "durationMs") FILTER (WHERE status < 500) p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "durationMs") FILTER (WHERE status < 500) p95
      FROM "LogTransaction" WHERE "incidentId" = ${id} AND target IS NOT NULL GROUP BY target ORDER BY e502 DESC, target`;
    expect(targets).toHaveLength(2);
    expect(view.targets.map((r) => [r.target, r.requests, r.errors502, r.errors504, r.p50Ms, r.p95Ms])).toEqual(
      targets.map((r) => [r.target, Number(r.requests), Number(r.e502), Number(r.e504), num(r.p50), num(r.p95)]),
    );
  });
});

describe("capture aggregates", () => {
  it("give the close markers and per-target connection counts of a full scan of the connections", async () => {
    const inc = { id: (await ingestBundle(t, [path.join(SAMPLE_DIR, "gw01-to-target.pcap")])).incidentId };
    const view = (await getIncidentView(t.handle.prisma, inc.id))!;
    const db = t.handle.prisma;
    const bucketMs = view.timeline.bucketMs;
    const closes = await db.$queryRaw<Array<{ b: number; fin: bigint; rst: bigint }>>`
      SELECT (floor(extract(epoch from "closeTs") * 1000 / ${bucketMs}) * ${bucketMs})::float8 b,
             count(*) FILTER (WHERE "closeKind" <> 'RST') fin, count(*) FILTER (WHERE "closeKind" = 'RST') rst
      FROM "TcpConnection" WHERE "incidentId" = ${inc.id} AND closer = 'target' AND "closeTs" IS NOT NULL GROUP BY 1 ORDER BY 1`;
    expect(closes.length).toBeGreaterThan(0);
    expect(
      view.timeline.buckets.filter((b) => b.targetFin + b.targetRst > 0).map((b) => [b.t, b.targetFin, b.targetRst]),
    ).toEqual(closes.map((r) => [Number(r.b), Number(r.fin), Number(r.rst)]));
    const byClass = await db.$queryRaw<Array<{ target: string; code: string; n: bigint }>>`
      SELECT target, "classCode" code, count(*) n FROM "TcpConnection" WHERE "incidentId" = ${inc.id} GROUP BY 1, 2`;
    for (const r of byClass)
      expect(view.targets.find((x) => x.target === r.target)!.connections.byClass[r.code]).toBe(Number(r.n));
    expect(view.files[0].counts).not.toHaveProperty("closeBuckets");
  });
});

describe("percentileCont", () => {
  it("interpolates between the two nearest ranks as PostgreSQL does", () => {
    // SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY v) FROM unnest('{1,2,3,4,10}'::int[]) v → 8.8
    expect(
      percentileCont(
        new Map([
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 1],
          [10, 1],
        ]),
        0.95,
      ),
    ).toBeCloseTo(8.8);
    expect(percentileCont(new Map([[5, 3]]), 0.5)).toBe(5);
    expect(percentileCont(new Map(), 0.5)).toBeNull();
  });
});
