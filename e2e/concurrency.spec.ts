// Concurrency (issue 5.4): 10 bundles uploaded at the same time through the HTTP API all complete, at most
// PARSE_CONCURRENCY parse jobs run at once, and the server keeps answering meanwhile.
// Its own server (killed and inspected afterwards), on PGlite or on a scratch PostgreSQL database.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { OwnServer, SAMPLE_DIR, sampleFiles, scratchDatabase, tempDir, withSql } from "./helpers/server";
import { writeBigLog } from "./helpers/synth";

test.setTimeout(900_000);

const PORT = Number(process.env.E2E_PORT ?? 3100) + 51;
const UPLOADS = 10;
const PARSE_CONCURRENCY = 2;
const COPIES = 200; // ~5 MB of log per bundle, beside the sample's log, config and capture

interface FileView {
  name: string;
  status: string;
  error: string | null;
}
interface View {
  pending: boolean;
  files: FileView[];
  summary: { transactions: number; status502: number };
}

const quantile = (v: number[], q: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];

test(`${UPLOADS} simultaneous uploads all complete with a bounded number of parse jobs running`, async () => {
  const dir = tempDir("emg-conc-bundle-");
  const big = path.join(dir, "edgemicro-gw03-busy-1-api.log");
  await writeBigLog(big, COPIES);
  const bundle = [
    { name: path.basename(big), path: big },
    ...sampleFiles().map((n) => ({ name: n, path: path.join(SAMPLE_DIR, n) })),
  ];
  const spec = {
    port: PORT,
    dataDir: tempDir("emg-conc-"),
    databaseUrl: await scratchDatabase("conc"),
    env: { PARSE_CONCURRENCY: String(PARSE_CONCURRENCY) },
  };
  const server = new OwnServer(spec);
  try {
    await server.start();
    // The upload route is outside proxy.ts (body size) but still refuses a cross-site browser POST.
    const forged = await fetch(`${server.base}/api/incidents`, {
      method: "POST",
      body: new FormData(),
      headers: { origin: "https://evil.example" },
    });
    expect([forged.status, (await forged.json()).error.code]).toEqual([403, "cross_site"]);
    // The health route is polled all along: every answer and its latency is kept.
    const health: number[] = [];
    let healthFailures = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        try {
          if ((await fetch(`${server.base}/api/health`)).ok) health.push(performance.now() - t0);
          else healthFailures++;
        } catch {
          healthFailures++;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: UPLOADS }, () => server.upload(bundle)));
    const uploadMs = performance.now() - t0;
    expect(new Set(ids).size).toBe(UPLOADS);

    // Wait for all; meanwhile count files shown as `parsing` (a non-atomic sample across incidents: reported only).
    let maxParsingSeen = 0;
    const views = new Map<string, View>();
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      const vs = await Promise.all(ids.map((id) => server.json<View>(`/api/incidents/${id}`)));
      maxParsingSeen = Math.max(
        maxParsingSeen,
        vs.reduce((n, v) => n + v.files.filter((f) => f.status === "parsing").length, 0),
      );
      vs.forEach((v, i) => views.set(ids[i], v));
      if (vs.every((v) => !v.pending)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const allMs = performance.now() - t0;
    polling = false;
    await poller;
    await server.stop();

    for (const id of ids) {
      const v = views.get(id)!;
      expect(v.pending, id).toBe(false);
      expect(v.files.map((f) => [f.name, f.status, f.error]).sort()).toEqual(
        bundle.map((f) => [f.name, "done", null]).sort(),
      );
      // grep-counted on the sample: 25 correlation ids, 3 client-facing 502s; the busy log is COPIES copies of it.
      expect(v.summary).toMatchObject({ transactions: 25 * (COPIES + 1), status502: 3 * (COPIES + 1) });
    }

    // Exact peak of parse jobs running at once, from each job's claim and finish times.
    const peak = await withSql(spec, async (sql) => {
      const jobs = await sql<{ start: string; end: string; status: string; attempts: number }>(
        `SELECT (extract(epoch from "lockedAt") * 1000)::float8::text AS start, (extract(epoch from "updatedAt") * 1000)::float8::text AS end, status, attempts FROM "ParseJob"`,
      );
      expect(jobs).toHaveLength(UPLOADS * bundle.length);
      expect(jobs.every((j) => j.status === "done" && j.attempts === 1)).toBe(true);
      const edges = jobs
        .flatMap(
          (j) =>
            [
              [Number(j.start), 1],
              [Number(j.end), -1],
            ] as const,
        )
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let running = 0;
      let max = 0;
      for (const [, d] of edges) max = Math.max(max, (running += d));
      return max;
    });
    expect(peak).toBeLessThanOrEqual(PARSE_CONCURRENCY);
    expect(peak).toBeGreaterThanOrEqual(1);

    expect(healthFailures).toBe(0);
    expect(health.length).toBeGreaterThan(0);
    const figures =
      `uploads ${uploadMs.toFixed(0)} ms, all parsed ${allMs.toFixed(0)} ms; peak jobs running ${peak} (parsing seen via API ${maxParsingSeen}); ` +
      `/api/health ${health.length} answers, p50 ${quantile(health, 0.5).toFixed(0)} ms, p95 ${quantile(health, 0.95).toFixed(0)} ms, max ${Math.max(...health).toFixed(0)} ms`;
    test.info().annotations.push({ type: "figures", description: figures });
    console.log(figures);
  } finally {
    await server.stop();
  }
});
