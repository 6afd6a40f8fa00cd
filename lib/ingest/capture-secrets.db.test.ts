/**
 * A capture holds the requests' paths, and query strings carry API keys (`?apikey=…`). The capture itself is kept
 * as uploaded (ladders are read back from it), so its paths must be redacted where they are read: nothing the
 * database holds, no connection's ladder, no export may show the key. Logs are redacted when stored (lib/redact).
 */
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";
import { SAMPLE_DIR } from "@/lib/testing/samples";
import { parseQueued } from "@/lib/testing/worker";
import { DATA, REQ, RESP, Script } from "@/lib/testing/tcp-script";
import { snapCut } from "@/lib/testing/capture";
import { synthPcap } from "@/lib/parsers/pcap/synth";
import { TCP_RST } from "@/lib/parsers/pcap";
import { getConnection } from "@/lib/incidents/connections";
import { blobStore, createIncident, type StoredUpload } from "./bundle";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers(),
}));

const KEY_LOG = "k3yFromTheLog0001";
const KEY_CAP = "k3yFromTheCapture1";
const KEY_SNAP = "k3yCutBySnap"; // the capture keeps "k3yCut"

let t: RouteTestEnv;
beforeAll(async () => (t = await openRouteTestDb()));
afterAll(async () => t?.cleanup());

it("an API key in a request path reaches neither the database, nor a ladder, nor an export", async () => {
  const db = t.handle.prisma;
  const store = blobStore(t.dataDir);
  const log = readFileSync(
    path.join(SAMPLE_DIR, "edgemicro-gw01-7a1f352d-0193-470c-9c2b-a8b70c7bfa67-1-api.log"),
    "utf8",
  );
  const keyed = log.replaceAll("emg_badtarget/items/1]", `emg_badtarget/items/1?apikey=${KEY_LOG}&x=1]`);
  expect(keyed).not.toBe(log);
  // One request read by its HTTP head; one in a capture whose snap length cut the key (read by timing).
  const whole = new Script();
  whole.handshake(0);
  whole.gw(1, DATA, REQ(`/items/1?apikey=${KEY_CAP}&x=1`));
  whole.tg(5, DATA, RESP("ok"));
  const cut = new Script(40001);
  cut.handshake(0);
  cut.gw(1, DATA, REQ(`/items/2?access_token=${KEY_SNAP}`));
  cut.tg(2, TCP_RST);
  const snap = 40 + "GET /items/2?access_token=k3yCut".length; // raw IPv4 + TCP headers, then the payload
  const files = {
    "edgemicro-gw01-x-1-api.log": keyed,
    "gw01.pcap": synthPcap(whole.pk),
    "gw01-snap.pcap": snapCut(synthPcap(cut.pk), snap),
  };
  const stored: StoredUpload[] = [];
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(path.join(t.scratch, name), body);
    const put = await store.put(createReadStream(path.join(t.scratch, name)));
    stored.push({ name, sha256: put.sha256, size: put.size });
  }
  const incident = await createIncident(db, store, stored);
  await parseQueued(db, t.dataDir);
  const parsed = await db.bundleFile.findMany({
    where: { incidentId: incident.id },
    select: { name: true, status: true },
  });
  expect(parsed.map((f) => f.status)).toEqual(["done", "done", "done"]);

  const shown: string[] = [];
  const tables = await db.$queryRawUnsafe<{ t: string }[]>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_%'",
  );
  for (const { t: table } of tables)
    for (const r of await db.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(x)::text AS j FROM "${table}" x`))
      shown.push(r.j);
  const conns = await db.tcpConnection.findMany({ where: { incidentId: incident.id }, select: { id: true } });
  expect(conns.length).toBe(2);
  for (const c of conns) shown.push(JSON.stringify(await getConnection(db, store, incident.id, String(c.id))));
  for (const route of ["analysis.json", "report.md", "transactions.csv", "targets.csv"]) {
    const res = await hit(`api/incidents/[id]/export/${route}`, "GET", {
      ip: "127.0.0.1",
      params: { id: incident.id },
    });
    expect(res.status, route).toBe(200);
    shown.push(await res.text());
  }
  const everything = shown.join("\n");
  // The paths are there, only their keys are not.
  expect(everything).toContain("/items/1?apikey=[REDACTED]&x=1");
  expect(everything).toContain("/items/2?access_token=[REDACTED]");
  expect(everything).toContain("emg_badtarget/items/1?apikey=[REDACTED]&x=1");
  for (const key of [KEY_LOG, KEY_CAP, "k3yCut"]) expect(everything, key).not.toContain(key);
});
