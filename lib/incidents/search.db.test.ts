import { saveAnswers } from "@/lib/incidents/answers";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { sampleFileNames, storeSamples } from "@/lib/testing/samples";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { parseQueued } from "@/lib/testing/worker";
import { searchIncidents } from "@/lib/incidents/search";
import { deleteIncident } from "@/lib/incidents/delete";
import { exchangesPath } from "@/lib/incidents/exchanges-file";

/*
 * The sample bundle (shared/samples/acme-prod-502): org "acme", env "prod" (file names and config),
 * target host:port from the capture/config, verdict computed by diagnose() once every file is parsed.
 *   grep -o 'target.*:[0-9]*' is not needed here: the search only has to find the incident by the
 *   target the analysis itself reports (view.targets), asserted below against the same view.
 */
const SAMPLE_FILES = sampleFileNames();

let t: TestEnv;
let store: ReturnType<typeof blobStore>;
const db = () => t.handle.prisma;

async function upload(names: string[], title: string) {
  const stored = await storeSamples(store, names);
  const inc = await createIncident(db(), store, stored);
  await db().incident.update({ where: { id: inc.id }, data: { title, titleEdited: true } });
  return inc.id;
}

async function parseAll() {
  await parseQueued(db(), t.dataDir);
}

beforeAll(async () => {
  t = await openTestDb();
  store = blobStore(t.dataDir);
});
afterAll(async () => t?.cleanup());

describe("incident search", () => {
  let full: string;
  let configOnly: string;
  beforeAll(async () => {
    full = await upload(SAMPLE_FILES, "Ticket 12345 acme checkout");
    configOnly = await upload(
      SAMPLE_FILES.filter((f) => f.endsWith(".yaml")),
      "config only 999",
    );
    await parseAll();
  });

  it("stores verdicts of finished incidents and filters by them", async () => {
    const all = await searchIncidents(db(), {});
    expect(all.map((r) => r.id).sort()).toEqual([full, configOnly].sort());
    const stored = await db().incident.findUniqueOrThrow({ where: { id: full }, select: { verdict: true } });
    expect(stored.verdict).not.toBeNull();
    const hit = await searchIncidents(db(), { verdict: stored.verdict as "keepalive-mismatch" });
    expect(hit.map((r) => r.id)).toContain(full);
    const other = (["keepalive-mismatch", "premature-close", "both", "insufficient-data", "no-502"] as const).find(
      (v) => v !== stored.verdict,
    )!;
    expect((await searchIncidents(db(), { verdict: other })).map((r) => r.id)).not.toContain(full);
  });

  it("marks incidents whose verdict rests partly on typed answers", async () => {
    expect((await searchIncidents(db(), {})).find((r) => r.id === full)?.answered).toBe(false);
    const view = await saveAnswers(db(), full, { lbKeepAliveMs: 30_000 });
    expect(view?.diagnosis.answers).toEqual({ lbKeepAliveMs: 30_000 });
    expect((await searchIncidents(db(), {})).find((r) => r.id === full)?.answered).toBe(true);
    await saveAnswers(db(), full, { lbKeepAliveMs: null });
    expect((await searchIncidents(db(), {})).find((r) => r.id === full)?.answered).toBe(false);
  });

  it("matches title (case-insensitive), org, env, target and date range", async () => {
    expect((await searchIncidents(db(), { q: "TICKET 12345" })).map((r) => r.id)).toEqual([full]);
    expect(await searchIncidents(db(), { q: "100%" })).toEqual([]); // LIKE wildcards are literal
    expect((await searchIncidents(db(), { org: "acme", env: "prod" })).map((r) => r.id)).toContain(full);
    expect(await searchIncidents(db(), { org: "globex" })).toEqual([]);
    const target = (
      await db().logTransaction.findFirstOrThrow({
        where: { incidentId: full, target: { not: null } },
        select: { target: true },
      })
    ).target!;
    expect((await searchIncidents(db(), { target: target.split(":")[0] })).map((r) => r.id)).toEqual([full]);
    expect(await searchIncidents(db(), { target: "no-such-host.invalid" })).toEqual([]);
    const row = (await searchIncidents(db(), { q: "12345" }))[0];
    const day = new Date(row.firstTs!).toISOString().slice(0, 10);
    expect((await searchIncidents(db(), { from: day, to: day })).map((r) => r.id)).toContain(full);
    expect(await searchIncidents(db(), { to: "2001-01-01" })).toEqual([]);
  });
});

describe("deleting an incident", () => {
  it("removes its rows, its blobs and sidecars from disk, but keeps blobs another incident shares", async () => {
    const a = await upload(SAMPLE_FILES, "to delete");
    const b = await upload(
      SAMPLE_FILES.filter((f) => f.endsWith(".yaml")),
      "shares the config blob",
    );
    await parseAll();
    const files = await db().bundleFile.findMany({
      where: { incidentId: a },
      select: { id: true, sha256: true, name: true },
    });
    const config = files.find((f) => f.name.endsWith(".yaml"))!;
    const others = files.filter((f) => f !== config);
    // A sidecar of one of its files, as the log explorer keeps them (DATA_DIR/index/<fileId>.lines).
    mkdirSync(path.join(t.dataDir, "index"), { recursive: true });
    const sidecar = path.join(t.dataDir, "index", `${others[0].id}.lines`);
    if (!existsSync(sidecar)) writeFileSync(sidecar, "x");
    const unrelated = path.join(t.dataDir, "index", "f_someoneelse.lines");
    writeFileSync(unrelated, "x");
    // The capture's exchanges, written by its parse (lib/incidents/exchanges-file.ts).
    const capture = files.find((f) => f.name.endsWith(".pcap"))!;
    const exchanges = exchangesPath(t.dataDir, capture.id);
    expect(existsSync(exchanges)).toBe(true);
    for (const f of files) expect(existsSync(store.pathOf(f.sha256))).toBe(true);

    const done = await deleteIncident(db(), store, t.dataDir, a);
    expect(done?.files).toBe(files.length);
    expect(await db().incident.count({ where: { id: a } })).toBe(0);
    for (const table of ["bundleFile", "logTransaction", "parseJob", "tcpConnection"] as const) {
      expect(
        await (db()[table] as unknown as { count(a: object): Promise<number> }).count({ where: { incidentId: a } }),
      ).toBe(0);
    }
    // Other incidents of this test still reference the same content, so count only blobs nobody references now.
    const still = new Set((await db().bundleFile.findMany({ select: { sha256: true } })).map((f) => f.sha256));
    for (const f of files) expect(existsSync(store.pathOf(f.sha256))).toBe(still.has(f.sha256));
    expect(still.has(config.sha256)).toBe(true); // b shares it
    expect(existsSync(sidecar)).toBe(false);
    expect(existsSync(exchanges)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
    expect(await db().incident.count({ where: { id: b } })).toBe(1);
    expect(await deleteIncident(db(), store, t.dataDir, a)).toBeNull();
  });

  it("removes the blobs once the last incident using them goes", async () => {
    const blobs = () => readdirSync(store.rootDir, { recursive: true }).filter((p) => /[0-9a-f]{64}$/.test(String(p)));
    expect(blobs().length).toBeGreaterThan(0);
    for (const r of await db().incident.findMany({ select: { id: true } }))
      expect((await deleteIncident(db(), store, t.dataDir, r.id))?.files).toBeGreaterThan(0);
    expect(blobs()).toEqual([]);
  });
});
