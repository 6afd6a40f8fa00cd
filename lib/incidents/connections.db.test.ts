import { describe, expect, it } from "vitest";
import { testDbForFile } from "@/lib/testing/test-db";
import { ingestBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import type { TargetProfile } from "@/lib/analysis/tcp";
import { IncidentView } from "@/lib/api/incident-schema";
import { ConnectionList, ConnectionQuery } from "@/lib/api/connection-schema";
import { connectionFacets, countConnections, getConnection, listConnections } from "@/lib/incidents/connections";

/*
 * Expected numbers: tshark -r gw01-to-target.pcap -q -z conv,tcp → 15 conversations; the races are tcp ports
 * 53466, 42592, 47446 (GET /items/2, /7, /18: see lib/analysis/tcp/sample.test.ts), and the log's 3 502/ECONNRESET
 * transactions are those three URLs.
 */
const t = testDbForFile();

describe("connections of the sample bundle", () => {
  it("stores 15 classified connections and ties each 502 to a keep-alive race", async () => {
    const { incidentId, store } = await ingestBundle(t);
    const db = t.handle.prisma;

    const conns = await db.tcpConnection.findMany({ where: { incidentId }, orderBy: { startTs: "asc" } });
    expect(conns).toHaveLength(15);
    expect(conns.every((c) => c.target === "127.0.0.1:28081")).toBe(true);
    const races = conns.filter((c) => c.classCode === "keepalive-race");
    expect(races.map((c) => c.gatewayPort).sort()).toEqual([42592, 47446, 53466]);

    const txs = await db.logTransaction.findMany({ where: { incidentId, status: 502 } });
    expect(txs).toHaveLength(3);
    for (const tx of txs) {
      const conn = conns.find((c) => c.matchedCorrelationId === tx.correlationId);
      expect(conn?.classCode, tx.url).toBe("keepalive-race");
      // The exchanges are read from the capture's exchanges file; the row holds where (#18), none of their bytes.
      expect(conn!.exchanges).toEqual([]);
      const { exchanges } = (await getConnection(db, store, incidentId, String(conn!.id)))!;
      const unanswered = exchanges.find((e) => !e.complete)!;
      expect(tx.url).toContain(unanswered.path!);
      expect(conn!.pendingReqMs).toBe(unanswered.reqTsUs! / 1000);
    }
    // A row stored before the exchanges file keeps them in its own column, and reads them from there.
    const old = races[0];
    const before = (await getConnection(db, store, incidentId, String(old.id)))!.exchanges;
    expect(before.length).toBeGreaterThan(0);
    await db.tcpConnection.update({
      where: { id: old.id },
      data: { exchanges: JSON.parse(JSON.stringify(before)), exchangesAt: null, exchangesBytes: null },
    });
    expect((await getConnection(db, store, incidentId, String(old.id)))!.exchanges).toEqual(before);
    expect(conns.filter((c) => c.matchedCorrelationId !== null)).toHaveLength(3);

    const pcap = await db.bundleFile.findFirst({ where: { incidentId, kind: "pcap" } });
    const counts = pcap!.counts as unknown as {
      targetProfiles: TargetProfile[];
      racesByTarget: Record<string, Record<string, number>>;
    };
    const [profile] = counts.targetProfiles;
    expect(profile.target).toBe("127.0.0.1:28081");
    expect(profile.cluster!.ms).toBeGreaterThanOrEqual(1950);
    expect(profile.cluster!.ms).toBeLessThanOrEqual(2100);
    expect(profile.cluster!.n).toBe(6);
    // All three races close at that idle timer.
    expect(counts.racesByTarget).toEqual({ "127.0.0.1:28081": { "idle-timer": 3 } });

    const view = IncidentView.parse(await getIncidentView(db, incidentId));
    expect(view.targets).toHaveLength(1);
    expect(view.targets[0]).toMatchObject({
      connections: { total: 15, byClass: { "keepalive-race": 3, normal: 12 } },
      idleTimeoutSupport: 6,
      explained502: { "keepalive-race": 3 },
      races: { "idle-timer": 3 },
    });
    expect(view.targets[0].inferredIdleTimeoutMs).toBeGreaterThanOrEqual(1950);
    // FIN markers on the 502 timeline: every target-first close of the capture, no RST (tshark: no reset flags).
    const targetFins = conns.filter((c) => c.closer === "target").length;
    expect(view.timeline.buckets.reduce((n, b) => n + b.targetFin, 0)).toBe(targetFins);
    expect(targetFins).toBeGreaterThanOrEqual(6);
    expect(view.timeline.buckets.reduce((n, b) => n + b.targetRst, 0)).toBe(0);

    const list = ConnectionList.parse(
      await listConnections(db, store, incidentId, ConnectionQuery.parse({ class: "keepalive-race", sort: "gap" })),
    );
    expect(list.total).toBe(3);
    expect(list.connections.every((c) => c.matched?.status === 502 && c.matched.errCode === "ECONNRESET")).toBe(true);
    // Counts by state, stored by the capture handler, agree with the table.
    const pcapCounts = pcap!.counts as { byTargetClassState: Record<string, Record<string, Record<string, number>>> };
    expect(Object.keys(pcapCounts.byTargetClassState)).toEqual(["127.0.0.1:28081"]);
    const facets = await connectionFacets(db, incidentId);
    expect(facets).toEqual({
      targets: ["127.0.0.1:28081"],
      states: [...new Set(conns.map((c) => c.connState))].sort(),
    });
    for (const state of facets.states) {
      const n = conns.filter((c) => c.connState === state).length;
      expect((await listConnections(db, store, incidentId, ConnectionQuery.parse({ state }))).total, state).toBe(n);
      expect(await countConnections(db, incidentId, { state, class: "keepalive-race" })).toBe(
        conns.filter((c) => c.connState === state && c.classCode === "keepalive-race").length,
      );
    }
    const page1 = await listConnections(db, store, incidentId, ConnectionQuery.parse({ pageSize: "10" }));
    expect([page1.total, page1.connections.length, page1.prevCursor]).toEqual([15, 10, null]);
    const page2 = await listConnections(
      db,
      store,
      incidentId,
      ConnectionQuery.parse({ pageSize: "10", cursor: page1.nextCursor }),
    );
    expect([page2.total, page2.connections.length, page2.nextCursor]).toEqual([15, 5, null]);
    const detail = await getConnection(db, store, incidentId, list.connections[0].id);
    expect(detail?.ladder.some((s) => s.flags.includes("FIN"))).toBe(true);
    expect(await getConnection(db, store, incidentId, "x")).toBeNull();
  });
});
