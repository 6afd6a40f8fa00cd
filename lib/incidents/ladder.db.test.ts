import { describe, expect, it } from "vitest";
import { readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { testDbForFile } from "@/lib/testing/test-db";
import { SAMPLE_DIR, storeFiles, storeSamples } from "@/lib/testing/samples";
import { ingestBundle } from "@/lib/testing/worker";
import { getTransaction } from "@/lib/explore/transactions";
import { ConnectionDetail } from "@/lib/api/connection-schema";
import { getConnection, listConnections } from "./connections";
import { ConnectionQuery } from "@/lib/api/connection-schema";

/*
 * The connection page and the transaction drill-down show the ladder each connection had when ladders were built at
 * ingest and stored: golden.json holds them, written by scripts/ladder-golden.ts on that code (commit 3bfe104).
 */
type Golden = Record<
  string,
  Array<{
    gateway: { host: string; port: number };
    firstFrame: number;
    lastFrame: number;
    ladderOmitted: number;
    ladder: unknown[];
  }>
>;
const golden = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../analysis/__fixtures__/ladder/golden.json"), "utf8"),
) as Golden;
const FIX = path.resolve(import.meta.dirname, "..");
const CAPTURES: Record<string, string> = {
  "acme-prod-502/gw01-to-target.pcap": path.join(SAMPLE_DIR, "gw01-to-target.pcap"),
  "ladder/interleaved.pcap": path.join(FIX, "analysis/__fixtures__/ladder/interleaved.pcap"),
  "premature-3/capture.pcap": path.join(FIX, "analysis/__fixtures__/lab/premature-3/capture.pcap"),
  "__fixtures__/two-sections.pcapng": path.join(FIX, "parsers/pcap/__fixtures__/two-sections.pcapng"),
  "__fixtures__/any-sll1.pcap": path.join(FIX, "parsers/pcap/__fixtures__/any-sll1.pcap"),
};

const t = testDbForFile();

describe("ladders of stored connections", () => {
  it("are the golden ladders for every connection of the sample bundle and of pcap, pcapng and Linux-cooked captures", async () => {
    const db = t.handle.prisma;
    const { incidentId, store } = await ingestBundle(t, async (store) => [
      ...(await storeSamples(store)),
      ...(await storeFiles(store, Object.values(CAPTURES).slice(1))),
    ]);
    const files = await db.bundleFile.findMany({ where: { incidentId, kind: { in: ["pcap", "pcapng"] } } });
    expect(files).toHaveLength(Object.keys(CAPTURES).length);
    let compared = 0;
    for (const [key, file] of Object.entries(CAPTURES)) {
      const f = files.find(
        (x) => x.name === path.basename(file) && (key.startsWith("acme") || x.name !== "gw01-to-target.pcap"),
      );
      const want = golden[key];
      const rows = await db.tcpConnection.findMany({
        where: { fileId: f!.id },
        orderBy: { firstFrame: "asc" },
        select: { id: true },
      });
      expect(rows, key).toHaveLength(want.length);
      for (const r of rows) {
        const got = ConnectionDetail.parse(await getConnection(db, store, incidentId, String(r.id)));
        const g = want.find((w) => w.firstFrame === got.firstFrame);
        expect(g, `${key} frame ${got.firstFrame}`).toBeDefined();
        expect(
          { lastFrame: got.lastFrame, ladderOmitted: got.ladderOmitted, ladder: got.ladder },
          `${key} frame ${got.firstFrame}`,
        ).toEqual({ lastFrame: g!.lastFrame, ladderOmitted: g!.ladderOmitted, ladder: g!.ladder });
        compared++;
      }
    }
    // 15 + 14 + 5 + 6 + 3 connections (tshark -q -z conv,tcp on each file lists as many conversations).
    expect(compared).toBe(43);

    // The drill-down of each 502 shows its connection's golden ladder.
    const txs = await db.logTransaction.findMany({ where: { incidentId, status: 502 } });
    expect(txs).toHaveLength(3);
    for (const tx of txs) {
      const detail = await getTransaction(db, store, incidentId, tx.correlationId);
      const c = detail!.connection!;
      const g = golden["acme-prod-502/gw01-to-target.pcap"].find((w) => w.firstFrame === c.firstFrame)!;
      expect(c.ladder).toEqual(g.ladder);
      expect(c.ladder.some((s) => s.note?.startsWith("FIN; idle"))).toBe(true);
    }
  });

  it("stores frame offsets, not ladders; reads rows stored before (no offsets) from the capture's start; says so when the capture is gone", async () => {
    const db = t.handle.prisma;
    const { incidentId, store } = await ingestBundle(t, [
      CAPTURES["ladder/interleaved.pcap"],
      CAPTURES["__fixtures__/two-sections.pcapng"],
    ]);
    const cols = await db.$queryRaw<Array<{ column_name: string }>>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'TcpConnection' AND table_schema = current_schema()`;
    expect(cols.map((c) => c.column_name)).not.toContain("ladder");
    const rows = await db.tcpConnection.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(14 + 6);
    // tshark -o frame.show_file_off:TRUE -r interleaved.pcap -T fields -e frame.number -e frame.file_off: frame 1 at 24.
    expect(rows.map((r) => [r.firstFrame, Number(r.firstOffset)])).toContainEqual([1, 24]);
    expect(rows.every((r) => r.firstOffset !== null && r.lastOffset !== null && r.lastOffset >= r.firstOffset)).toBe(
      true,
    );
    // The list reads no ladder and shows the same rows.
    const list = await listConnections(db, store, incidentId, ConnectionQuery.parse({ pageSize: "50" }));
    expect(list.total).toBe(20);

    // A row as stored before #18: frame numbers, no offsets, and a capture whose counts have no layout.
    await db.tcpConnection.updateMany({ where: { incidentId }, data: { firstOffset: null, lastOffset: null } });
    await db.bundleFile.updateMany({ where: { incidentId }, data: { counts: { frames: 1 } } });
    const names = new Map((await db.bundleFile.findMany({ where: { incidentId } })).map((f) => [f.id, f.name]));
    for (const r of rows) {
      const key =
        names.get(r.fileId) === "interleaved.pcap" ? "ladder/interleaved.pcap" : "__fixtures__/two-sections.pcapng";
      const g = golden[key].find((w) => w.firstFrame === r.firstFrame)!;
      const got = await getConnection(db, store, incidentId, String(r.id));
      expect({ ladder: got!.ladder, ladderOmitted: got!.ladderOmitted, note: got!.ladderNote }).toEqual({
        ladder: g.ladder,
        ladderOmitted: g.ladderOmitted,
        note: null,
      });
    }

    // The capture's blob removed from disk: the page says why there is no ladder.
    const file = await db.bundleFile.findFirstOrThrow({ where: { id: rows[0].fileId } });
    renameSync(store.pathOf(file.sha256), store.pathOf(file.sha256) + ".aside");
    try {
      const got = await getConnection(db, store, incidentId, String(rows[0].id));
      expect(got!.ladder).toEqual([]);
      expect(got!.ladderNote).toMatch(/no longer stored/);
    } finally {
      renameSync(store.pathOf(file.sha256) + ".aside", store.pathOf(file.sha256));
    }
  });
});
