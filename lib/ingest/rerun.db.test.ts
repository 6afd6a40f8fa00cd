/**
 * Re-running every job of a parsed bundle (what happens after a crash, when the same job runs again) leaves the
 * incident exactly as it was: same files, counts (redaction reports included), rows and aggregates; no duplicates.
 * The SIGKILL version against a real server is e2e/crash.spec.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { sampleFileNames, storeSamples } from "@/lib/testing/samples";
import { makeZip } from "@/lib/testing/archives";
import { parseQueued } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { blobStore, createIncident } from "./bundle";
import { Readable } from "node:stream";

const SAMPLES = sampleFileNames();

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

async function runAll() {
  await parseQueued(t.handle.prisma, t.dataDir);
}

async function snapshot(incidentId: string) {
  const db = t.handle.prisma;
  const files = await db.bundleFile.findMany({
    where: { incidentId },
    select: { name: true, kind: true, status: true, error: true, counts: true, sha256: true, size: true },
  });
  const count = async (table: string) =>
    Number(
      (
        await db.$queryRawUnsafe<Array<{ n: bigint }>>(
          `SELECT count(*) n FROM "${table}" WHERE "incidentId" = $1`,
          incidentId,
        )
      )[0].n,
    );
  const rows: Record<string, number> = {};
  for (const table of [
    "LogTransaction",
    "StatsDelta",
    "ParseIssue",
    "TcpConnection",
    "LogBucket",
    "LogTargetStat",
    "BundleFile",
    "ParseJob",
  ])
    rows[table] = await count(table);
  const view = await getIncidentView(db, incidentId);
  return {
    files: files.sort((a, b) => a.name.localeCompare(b.name)),
    rows,
    summary: view?.summary,
    timeline: view?.timeline,
    targets: view?.targets,
  };
}

describe("re-running jobs", () => {
  it("running every job of a parsed bundle again changes nothing", async () => {
    const db = t.handle.prisma;
    const store = blobStore(t.dataDir);
    const stored = await storeSamples(store);
    const zip = makeZip(
      SAMPLES.map((f) => ({ name: `bundle/${f}`, data: readFileSync(path.join(SAMPLE_DIR, f)), deflate: true })),
    );
    const put = await store.put(Readable.from([zip]));
    stored.push({ name: "bundle.zip", sha256: put.sha256, size: put.size });
    const incident = await createIncident(db, store, stored);
    await runAll();
    const first = await snapshot(incident.id);
    // The zip's members repeat the loose files: kept as copies, not parsed (lib/ingest/bundle.ts).
    const copies = first.files.filter((f) => f.name.startsWith("bundle.zip/"));
    expect(copies.length).toBe(SAMPLES.length);
    expect(copies.every((f) => f.status === "skipped" && /^Same content as/.test(f.error ?? ""))).toBe(true);
    expect(first.files.filter((f) => !copies.includes(f)).every((f) => f.status === "done")).toBe(true);
    expect(first.summary?.status502).toBe(3); // grep -c '\]\[502\]\[' sample log → 3, counted once
    // The config's secrets were found on the first pass (the stored copy is redacted since).
    expect(JSON.stringify(first.files.find((f) => f.name === "acme-prod-config.yaml")?.counts)).toMatch(
      /"redactions":\[\{/,
    );

    // As after a crash: every job runnable again, every file mid-parse.
    await db.parseJob.updateMany({ where: { incidentId: incident.id }, data: { status: "queued" } });
    await db.bundleFile.updateMany({ where: { incidentId: incident.id, status: "done" }, data: { status: "parsing" } });
    await runAll();
    const second = await snapshot(incident.id);
    expect(second).toEqual(first);
  });
});
