/**
 * A proxy url naming a host with an IPv6 and an IPv4 address, the target listening on IPv4 only: the gateway's Node.js
 * is refused on ::1 before every connection and connects to the IPv4 address at once, failing nothing (recorded with
 * the real gateway: __fixtures__/dual-stack/README.md, which has the independent counts used here).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { blobStore } from "@/lib/ingest/bundle";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { ConnectionQuery } from "@/lib/api/connection-schema";
import { listConnections } from "@/lib/incidents/connections";

const DIR = path.join(import.meta.dirname, "__fixtures__", "dual-stack");
const filesOf = (name: string, keep: (f: string) => boolean = () => true) =>
  readdirSync(path.join(DIR, name))
    .filter((f) => f !== "truth.json" && keep(f))
    .map((f) => path.join(DIR, name, f));

let t: TestEnv;
const ids = new Map<string, string>();
const bundles: Record<string, string[]> = {
  races: filesOf("happy-eyeballs"),
  "races, capture only": filesOf("happy-eyeballs", (f) => !f.endsWith(".log")),
  refused: filesOf("happy-eyeballs-refused"),
};
beforeAll(async () => {
  t = await openTestDb();
  for (const [key, files] of Object.entries(bundles)) ids.set(key, await queueBundle(t, files));
  await parseQueued(t.handle.prisma, t.dataDir);
}, 120_000);
afterAll(async () => t?.cleanup());

const view = async (key: string) => IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(key)!));

describe("a target whose name has an IPv6 address it does not listen on", () => {
  it("keeps both addresses' connections under the log's name, and the races stay the verdict", async () => {
    const v = await view("races");
    expect(v.targets.map((x) => x.target)).toEqual(["orders.lab:9000"]);
    expect(v.targets[0].connections.byClass).toEqual({ refused: 60, "keepalive-race": 16, normal: 44 });
    // Every 502 is matched to its race, none to the refused connect that opened the next connection.
    expect(v.targets[0].explained502).toEqual({ "keepalive-race": 16 });
    const d = v.diagnosis.targets[0];
    expect(d).toMatchObject({ target: "orders.lab:9000", cause: "keepalive-mismatch", confidence: "high" });
    expect(Math.abs(d.idleTimeoutMs! - 1000)).toBeLessThan(100);
    expect(d.evidence.map((e) => e.label).join("\n")).toMatch(
      /60 refused connect\(s\) no failure in the log stands for/,
    );
    expect(v.diagnosis.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
  });

  it("opens the name's connections, both addresses, from the verdict's evidence link", async () => {
    const v = await view("races");
    const link = v.diagnosis.targets[0].evidence.find((e) => e.href?.includes("class=keepalive-race"))!.href!;
    const q = ConnectionQuery.parse(Object.fromEntries(new URL(link, "http://x").searchParams));
    expect(q.target).toBe("orders.lab:9000");
    const store = blobStore(t.dataDir);
    expect((await listConnections(t.handle.prisma, store, ids.get("races")!, q)).total).toBe(16);
    const all = await listConnections(t.handle.prisma, store, ids.get("races")!, {
      ...q,
      class: undefined,
      pageSize: 500,
    });
    expect(all.total).toBe(120);
    expect(new Set(all.connections.map((r) => r.target))).toEqual(new Set(["127.0.0.2:9000", "[::1]:9000"]));
  });

  it("from the capture alone the refusals are a separate target, and the incident is not sure", async () => {
    const v = await view("races, capture only");
    expect(v.targets.map((x) => x.target).sort()).toEqual(["127.0.0.2:9000", "[::1]:9000"]);
    expect(v.diagnosis.verdict.confidence).toBe("low");
  });

  it("a target refusing on both addresses is unreachable, each failure two refusals on the wire", async () => {
    const v = await view("refused");
    const legacy = v.targets.find((x) => x.target === "legacy.lab:9009")!;
    expect(legacy.connections.byClass).toEqual({ refused: 30 });
    expect(legacy.errorCodes).toEqual({ ECONNREFUSED: 15 });
    expect(v.diagnosis.targets.find((x) => x.target === "legacy.lab:9009")).toMatchObject({
      cause: "target-unreachable",
      confidence: "high",
    });
    expect(v.diagnosis.verdict).toMatchObject({ cause: "target-unreachable", confidence: "high" });
  });
});
