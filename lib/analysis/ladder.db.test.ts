import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { SAMPLE_DIR, storeFiles, storeSamples } from "@/lib/testing/samples";
import { blobStore, createIncident } from "@/lib/ingest/bundle";
import { parseQueued } from "@/lib/testing/worker";
import { getTransaction } from "@/lib/explore/transactions";
import { ConnectionDetail } from "@/lib/api/connection-schema";
import { getConnection } from "./connections-view";

/*
 * The connection page and the transaction drill-down show the ladder each connection had when ladders were built at
 * ingest and stored: golden.json holds them, written by scripts/ladder-golden.ts on that code (commit 3bfe104).
 */
type Golden = Record<string, Array<{ gateway: { host: string; port: number }; firstFrame: number; lastFrame: number; ladderOmitted: number; ladder: unknown[] }>>;
const golden = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "__fixtures__/ladder/golden.json"), "utf8")) as Golden;
const FIX = path.resolve(import.meta.dirname, "..");
const CAPTURES: Record<string, string> = {
  "acme-prod-502/gw01-to-target.pcap": path.join(SAMPLE_DIR, "gw01-to-target.pcap"),
  "ladder/interleaved.pcap": path.join(FIX, "analysis/__fixtures__/ladder/interleaved.pcap"),
  "premature-3/capture.pcap": path.join(FIX, "analysis/__fixtures__/lab/premature-3/capture.pcap"),
  "__fixtures__/two-sections.pcapng": path.join(FIX, "parsers/pcap/__fixtures__/two-sections.pcapng"),
  "__fixtures__/any-sll1.pcap": path.join(FIX, "parsers/pcap/__fixtures__/any-sll1.pcap"),
};

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

describe("ladders of stored connections", () => {
  it("are the golden ladders for every connection of the sample bundle and of pcap, pcapng and Linux-cooked captures", async () => {
    const store = blobStore(t.dataDir);
    const db = t.handle.prisma;
    const stored = [...(await storeSamples(store)), ...(await storeFiles(store, Object.values(CAPTURES).slice(1)))];
    const incident = await createIncident(db, store, stored);
    await parseQueued(db, t.dataDir);
    const files = await db.bundleFile.findMany({ where: { incidentId: incident.id, kind: { in: ["pcap", "pcapng"] } } });
    expect(files).toHaveLength(Object.keys(CAPTURES).length);
    let compared = 0;
    for (const [key, file] of Object.entries(CAPTURES)) {
      const f = files.find((x) => x.name === path.basename(file) && (key.startsWith("acme") || x.name !== "gw01-to-target.pcap"));
      const want = golden[key];
      const rows = await db.tcpConnection.findMany({ where: { fileId: f!.id }, orderBy: { firstFrame: "asc" }, select: { id: true } });
      expect(rows, key).toHaveLength(want.length);
      for (const r of rows) {
        const got = ConnectionDetail.parse(await getConnection(db, store, incident.id, String(r.id)));
        const g = want.find((w) => w.firstFrame === got.firstFrame);
        expect(g, `${key} frame ${got.firstFrame}`).toBeDefined();
        expect({ lastFrame: got.lastFrame, ladderOmitted: got.ladderOmitted, ladder: got.ladder }, `${key} frame ${got.firstFrame}`)
          .toEqual({ lastFrame: g!.lastFrame, ladderOmitted: g!.ladderOmitted, ladder: g!.ladder });
        compared++;
      }
    }
    // 15 + 14 + 5 + 6 + 3 connections (tshark -q -z conv,tcp on each file lists as many conversations).
    expect(compared).toBe(43);

    // The drill-down of each 502 shows its connection's golden ladder.
    const txs = await db.logTransaction.findMany({ where: { incidentId: incident.id, status: 502 } });
    expect(txs).toHaveLength(3);
    for (const tx of txs) {
      const detail = await getTransaction(db, store, incident.id, tx.correlationId);
      const c = detail!.connection!;
      const g = golden["acme-prod-502/gw01-to-target.pcap"].find((w) => w.firstFrame === c.firstFrame)!;
      expect(c.ladder).toEqual(g.ladder);
      expect(c.ladder.some((s) => s.note?.startsWith("FIN; idle"))).toBe(true);
    }
  });
});
