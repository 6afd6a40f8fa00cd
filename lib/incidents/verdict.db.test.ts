/**
 * Incident.verdict is what the incident search filters on: stored by the worker when the last file of an incident is
 * parsed, and again when a person sets the clock offset, so a search by verdict is right before anyone opens the
 * list. The list still fills incidents finished before that (stored null).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { storeSamples } from "@/lib/testing/samples";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { parseQueued } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { searchIncidents } from "@/lib/incidents/search";
import { setClockOffset } from "@/lib/incidents/clock";

let t: TestEnv;
let incidentId: string;
const db = () => t.handle.prisma;
const stored = async () =>
  (await db().incident.findUniqueOrThrow({ where: { id: incidentId }, select: { verdict: true } })).verdict;
const computed = async () => (await getIncidentView(db(), incidentId))!.diagnosis.verdict.cause;

beforeAll(async () => {
  t = await openTestDb();
  const store = blobStore(t.dataDir);
  const files = await storeSamples(store);
  incidentId = (await createIncident(db(), store, files)).id;
});
afterAll(async () => t?.cleanup());

describe("the stored verdict of an incident", () => {
  it("is null while files wait, and set by the worker once the last one is parsed", async () => {
    expect(await stored()).toBeNull();
    await parseQueued(db(), t.dataDir);
    // No list call has been made: the worker stored it. The sample's 3 × 502 are keep-alive races (shared/samples README).
    expect(await stored()).toBe("keepalive-mismatch");
    expect(await stored()).toBe(await computed());
    expect((await searchIncidents(db(), { verdict: "keepalive-mismatch" })).map((r) => r.id)).toEqual([incidentId]);
  });

  it("is computed again when a person sets the clock offset, and when it is reset", async () => {
    // The cause comes from how the capture's connections close, the offset only moves which 502s they explain
    // (lib/analysis/diagnosis/diagnose.ts): a stale value stored beforehand shows that the offset rewrites it.
    for (const offsetMs of [3_600_000, null]) {
      await db().incident.update({ where: { id: incidentId }, data: { verdict: "no-502" } });
      await setClockOffset(db(), incidentId, offsetMs);
      expect(await stored()).toBe("keepalive-mismatch");
      expect(await stored()).toBe(await computed());
    }
    const view = (await getIncidentView(db(), incidentId))!;
    expect(view.diagnosis.verdict.explains502).toBe(3); // back to the detected offset: the 3 × 502 explained again
  });

  it("of an incident finished before verdicts were stored is filled by the list", async () => {
    await db().incident.update({ where: { id: incidentId }, data: { verdict: null } });
    expect((await searchIncidents(db(), { verdict: "keepalive-mismatch" })).map((r) => r.id)).toEqual([incidentId]);
    expect(await stored()).toBe("keepalive-mismatch");
  });
});
