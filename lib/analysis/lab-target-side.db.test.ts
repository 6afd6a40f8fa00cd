/**
 * A capture taken on the target's side of a load balancer (the lab's relay): a recording's target leg, renamed as the
 * proxies' urls name the targets (__fixtures__/target-side/random-92/README.md). Keep-alive races with idle resets
 * never reach that leg; the log's 502s at the target's idle resets still tell them.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { storeFiles } from "@/lib/testing/samples";
import { parseQueued } from "@/lib/testing/worker";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";

const DIR = path.join(import.meta.dirname, "__fixtures__", "target-side", "random-92");

let t: TestEnv;
let id = "";
beforeAll(async () => {
  t = await openTestDb();
  const store = blobStore(t.dataDir);
  const files = readdirSync(DIR)
    .filter((f) => /\.(log|yaml|pcap)$/.test(f))
    .map((f) => path.join(DIR, f));
  id = (await createIncident(t.handle.prisma, store, await storeFiles(store, files))).id;
  await parseQueued(t.handle.prisma, t.dataDir);
}, 120_000);
afterAll(async () => t?.cleanup());

describe("blind world random-92 captured on the target's side", () => {
  it("names races the capture cannot show beside the hang-ups it does, at medium", async () => {
    const view = IncidentView.parse(await getIncidentView(t.handle.prisma, id));
    const v = view.diagnosis.targets.find((x) => x.target === "127.0.0.3:9000")!;
    // truth.json: 2 races and 4 premature closes on the gateway's leg, cause both
    expect(v).toMatchObject({ cause: "both", confidence: "medium" });
    const labels = v.evidence.map((e) => e.label);
    // 3 targetRequest errors at 1–5 ms (2 races, 1 write ECONNRESET) fell on the backend's idle resets
    expect(labels).toContain(
      "3 × 502 at the moment the target closed an idle socket: the gateway took the socket as the close arrived, before sending the request",
    );
    expect(labels.some((l) => l.startsWith("4 close(s) without a response after the target had the request"))).toBe(
      true,
    );
  });
});
