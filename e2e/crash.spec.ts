// Crash safety (issue 5.3): SIGKILL the real server mid-ingest, restart it, and compare with an uninterrupted run.
// Runs on PGlite, or on PostgreSQL (a scratch database beside DATABASE_URL) when DATABASE_URL is set.
import path from "node:path";
import { existsSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import {
  blobPath,
  OwnServer,
  SAMPLE_DIR,
  sampleFiles,
  scratchDatabase,
  sha256File,
  tempDir,
  withSql,
  type ServerSpec,
  type Sql,
} from "./helpers/server";
import { writeBigLog } from "./helpers/synth";

test.describe.configure({ mode: "serial" });
test.setTimeout(900_000);

const PORT = Number(process.env.E2E_PORT ?? 3100) + 50;
// About 60 MB / 300k lines: parsing takes several seconds, long enough to be killed in the middle.
const COPIES = 2500;

interface FileView {
  id: string;
  name: string;
  kind: string;
  status: string;
  size: number;
  bytesDone: number;
  error: string | null;
  counts: Record<string, unknown>;
}
interface View {
  pending: boolean;
  files: FileView[];
  summary: unknown;
  timeline: unknown;
  targets: unknown;
}

let bundle: Array<{ name: string; path: string }>;
test.beforeAll(async () => {
  const dir = tempDir("emg-crash-bundle-");
  const big = path.join(dir, "edgemicro-gw02-big-1-api.log");
  const { lines } = await writeBigLog(big, COPIES);
  expect(lines).toBe(123 * COPIES); // wc -l on the sample log: 123
  bundle = [
    { name: path.basename(big), path: big },
    ...sampleFiles().map((n) => ({ name: n, path: path.join(SAMPLE_DIR, n) })),
  ];
});

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 300_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const view = (s: OwnServer, id: string) => s.json<View>(`/api/incidents/${id}`);
const done = (s: OwnServer, id: string) =>
  waitFor(`incident ${id} to finish`, async () => {
    const v = await view(s, id);
    return v.pending ? undefined : v;
  });
/** The moment to kill: the big log is being parsed (past redaction, some bytes read). */
const bigParsing = (s: OwnServer, id: string) =>
  waitFor(
    "the big log to be parsing",
    async () =>
      (await view(s, id)).files.find((f) => f.name === bundle[0].name && f.status === "parsing" && f.bytesDone > 0),
    300_000,
    50,
  );

/** Everything that must come out the same, without ids and times of the run. */
function comparable(v: View) {
  const files = v.files.map(({ id: _id, bytesDone: _b, ...f }) => f).sort((a, b) => a.name.localeCompare(b.name));
  return { files, summary: v.summary, timeline: v.timeline, targets: v.targets };
}

async function rowFacts(sql: Sql, incidentId: string) {
  const one = async (q: string) => Number((await sql<{ n: string }>(q, [incidentId]))[0].n);
  return {
    transactions: await one(`SELECT count(*) n FROM "LogTransaction" WHERE "incidentId" = $1`),
    stats: await one(`SELECT count(*) n FROM "StatsDelta" WHERE "incidentId" = $1`),
    issues: await one(`SELECT count(*) n FROM "ParseIssue" WHERE "incidentId" = $1`),
    connections: await one(`SELECT count(*) n FROM "TcpConnection" WHERE "incidentId" = $1`),
    buckets: await one(`SELECT count(*) n FROM "LogBucket" WHERE "incidentId" = $1`),
    targetStats: await one(`SELECT count(*) n FROM "LogTargetStat" WHERE "incidentId" = $1`),
    files: await one(`SELECT count(*) n FROM "BundleFile" WHERE "incidentId" = $1`),
    jobs: await one(`SELECT count(*) n FROM "ParseJob" WHERE "incidentId" = $1`),
    duplicateTransactions: await one(
      `SELECT count(*) n FROM (SELECT 1 FROM "LogTransaction" WHERE "incidentId" = $1 GROUP BY "fileId", "correlationId" HAVING count(*) > 1) d`,
    ),
    duplicateConnections: await one(
      `SELECT count(*) n FROM (SELECT 1 FROM "TcpConnection" WHERE "incidentId" = $1 GROUP BY "fileId", "connIndex" HAVING count(*) > 1) d`,
    ),
    duplicateStats: await one(
      `SELECT count(*) n FROM (SELECT 1 FROM "StatsDelta" WHERE "incidentId" = $1 GROUP BY "fileId", ts, pid, requests HAVING count(*) > 1) d`,
    ),
    sums: (
      await sql(
        `SELECT coalesce(sum("durationMs"), 0)::text d, coalesce(sum(status), 0)::text s, count(*) FILTER (WHERE status = 502)::text f FROM "LogTransaction" WHERE "incidentId" = $1`,
        [incidentId],
      )
    )[0],
  };
}

async function expectBlobsIntact(sql: Sql, dataDir: string, incidentId: string) {
  const files = await sql<{ name: string; sha256: string; size: string }>(
    `SELECT name, sha256, size::text FROM "BundleFile" WHERE "incidentId" = $1`,
    [incidentId],
  );
  for (const f of files) {
    const p = blobPath(dataDir, f.sha256);
    expect(existsSync(p), `${f.name}: blob on disk`).toBe(true);
    expect(statSync(p).size, `${f.name}: size`).toBe(Number(f.size));
    expect(sha256File(p), `${f.name}: sha256`).toBe(f.sha256);
  }
}

async function serverSpec(suffix: string): Promise<ServerSpec> {
  return {
    port: PORT,
    dataDir: tempDir(`emg-${suffix}-`),
    databaseUrl: await scratchDatabase(suffix),
    env: { PARSE_CONCURRENCY: "2" },
  };
}

test("SIGKILL mid-ingest: after a restart the incident is exactly what an uninterrupted run gives", async () => {
  const spec = await serverSpec("crash1");
  const server = new OwnServer(spec);
  try {
    await server.start();
    const crashed = await server.upload(bundle);
    const atKill = await bigParsing(server, crashed);
    await server.kill9();
    test.info().annotations.push({
      type: "killed at",
      description: `${atKill.bytesDone} of ${atKill.size} bytes of ${atKill.name}`,
    });

    await server.start();
    const after = await done(server, crashed);
    expect(server.log()).toMatch(/interrupted parse job\(s\) queued again/);
    const clean = await server.upload(bundle);
    const reference = await done(server, clean);
    await server.stop();

    expect(
      after.files.every((f) => f.status === "done"),
      JSON.stringify(after.files.map((f) => [f.name, f.status, f.error])),
    ).toBe(true);
    expect(comparable(after)).toEqual(comparable(reference));
    await withSql(spec, async (sql) => {
      const a = await rowFacts(sql, crashed);
      const b = await rowFacts(sql, clean);
      expect(a).toEqual(b);
      expect(a.transactions).toBe(25 * (COPIES + 1)); // 25 correlation ids per copy of the sample, plus the sample itself
      expect(a.duplicateTransactions + a.duplicateConnections + a.duplicateStats).toBe(0);
      // The big log's job ran twice (killed once), every other job once; all ended done.
      const jobs = await sql<{ name: string; status: string; attempts: number }>(
        `SELECT f.name, j.status, j.attempts FROM "ParseJob" j JOIN "BundleFile" f ON f.id = j."fileId" WHERE j."incidentId" = $1`,
        [crashed],
      );
      expect(jobs.find((j) => j.name === bundle[0].name)).toMatchObject({ status: "done", attempts: 2 });
      expect(jobs.every((j) => j.status === "done")).toBe(true);
      await expectBlobsIntact(sql, spec.dataDir, crashed);
      await expectBlobsIntact(sql, spec.dataDir, clean);
    });
  } finally {
    await server.stop();
  }
});

test("a file that stopped the parser twice ends failed with the reason; the rest of the bundle finishes", async () => {
  const spec = await serverSpec("crash2");
  const server = new OwnServer(spec);
  try {
    await server.start();
    const id = await server.upload(bundle);
    await bigParsing(server, id);
    await server.kill9();
    await server.start();
    // Retried alone, and killed again while parsing.
    await bigParsing(server, id);
    await server.kill9();
    await server.start();
    const v = await done(server, id);
    await server.stop();

    const big = v.files.find((f) => f.name === bundle[0].name)!;
    expect(big.status).toBe("failed");
    expect(big.error).toMatch(/stopped 2 times on this file/);
    for (const f of v.files.filter((f) => f !== big))
      expect([f.name, f.status, f.error]).toEqual([f.name, "done", null]);
    // Only the sample's own numbers: nothing of the failed file's two partial attempts is left.
    expect(v.summary).toMatchObject({ transactions: 25, status502: 3 });
    await withSql(spec, async (sql) => {
      const facts = await rowFacts(sql, id);
      expect(facts.transactions).toBe(25);
      expect(facts.duplicateTransactions + facts.duplicateConnections + facts.duplicateStats).toBe(0);
      await expectBlobsIntact(sql, spec.dataDir, id);
    });
  } finally {
    await server.stop();
  }
});
