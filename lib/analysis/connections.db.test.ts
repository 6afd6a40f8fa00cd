import { createReadStream, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { blobStore, createIncident, type StoredUpload } from "@/lib/ingest/bundle";
import { startWorker } from "@/lib/jobs/worker";
import { getIncidentView } from "@/lib/analysis/incident-view";
import { IncidentView } from "@/lib/api/incident-schema";
import { ConnectionList, ConnectionQuery } from "@/lib/api/connection-schema";
import { getConnection, listConnections } from "./connections-view";

/*
 * Expected numbers: tshark -r gw01-to-target.pcap -q -z conv,tcp → 15 conversations; the races are tcp ports
 * 53466, 42592, 47446 (GET /items/2, /7, /18: see lib/analysis/tcp/sample.test.ts), and the log's 3 502/ECONNRESET
 * transactions are those three URLs.
 */
let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

describe("connections of the sample bundle", () => {
  it("stores 15 classified connections and ties each 502 to a keep-alive race", async () => {
    const store = blobStore(t.dataDir);
    const stored: StoredUpload[] = [];
    for (const name of readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md")) {
      const put = await store.put(createReadStream(path.join(SAMPLE_DIR, name)));
      stored.push({ name, sha256: put.sha256, size: put.size });
    }
    const db = t.handle.prisma;
    const incident = await createIncident(db, store, stored);
    const worker = startWorker({ db, dataDir: t.dataDir, concurrency: 2, pollMs: 50 });
    await worker.idle();
    await worker.stop();

    const conns = await db.tcpConnection.findMany({ where: { incidentId: incident.id }, orderBy: { startTs: "asc" } });
    expect(conns).toHaveLength(15);
    expect(conns.every((c) => c.target === "127.0.0.1:28081")).toBe(true);
    const races = conns.filter((c) => c.classCode === "keepalive-race");
    expect(races.map((c) => c.gatewayPort).sort()).toEqual([42592, 47446, 53466]);

    const txs = await db.logTransaction.findMany({ where: { incidentId: incident.id, status: 502 } });
    expect(txs).toHaveLength(3);
    for (const tx of txs) {
      const conn = conns.find((c) => c.matchedCorrelationId === tx.correlationId);
      expect(conn?.classCode, tx.url).toBe("keepalive-race");
      const ex = conn!.exchanges as Array<{ path: string | null; complete: boolean }>;
      expect(tx.url).toContain(ex.find((e) => !e.complete)!.path!);
    }
    expect(conns.filter((c) => c.matchedCorrelationId !== null)).toHaveLength(3);

    const pcap = await db.bundleFile.findFirst({ where: { incidentId: incident.id, kind: "pcap" } });
    const est = (pcap!.counts as { idleTimeouts: Array<{ target: string; timeoutMs: number; support: number }> }).idleTimeouts;
    expect(est[0].target).toBe("127.0.0.1:28081");
    expect(est[0].timeoutMs).toBeGreaterThanOrEqual(1950);
    expect(est[0].timeoutMs).toBeLessThanOrEqual(2100);
    expect(est[0].support).toBe(6);

    const view = IncidentView.parse(await getIncidentView(db, incident.id));
    expect(view.targets).toHaveLength(1);
    expect(view.targets[0]).toMatchObject({
      connections: { total: 15, byClass: { "keepalive-race": 3, normal: 12 } },
      idleTimeoutSupport: 6,
      explained502: { "keepalive-race": 3 },
    });
    expect(view.targets[0].inferredIdleTimeoutMs).toBeGreaterThanOrEqual(1950);
    // FIN markers on the 502 timeline: every target-first close of the capture, no RST (tshark: no reset flags).
    const targetFins = conns.filter((c) => c.closer === "target").length;
    expect(view.timeline.buckets.reduce((n, b) => n + b.targetFin, 0)).toBe(targetFins);
    expect(targetFins).toBeGreaterThanOrEqual(6);
    expect(view.timeline.buckets.reduce((n, b) => n + b.targetRst, 0)).toBe(0);

    const list = ConnectionList.parse(await listConnections(db, incident.id, ConnectionQuery.parse({ class: "keepalive-race", sort: "gap" })));
    expect(list.total).toBe(3);
    expect(list.connections.every((c) => c.matched?.status === 502 && c.matched.errCode === "ECONNRESET")).toBe(true);
    const page2 = await listConnections(db, incident.id, ConnectionQuery.parse({ page: "2", pageSize: "10" }));
    expect([page2.total, page2.connections.length]).toEqual([15, 5]);
    const detail = await getConnection(db, incident.id, list.connections[0].id);
    expect(detail?.ladder.some((s) => s.flags.includes("FIN"))).toBe(true);
    expect(await getConnection(db, incident.id, "x")).toBeNull();
  });
});
