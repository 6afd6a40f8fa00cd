import { beforeAll, describe, expect, it } from "vitest";
import { testDbForFile } from "@/lib/testing/test-db";
import { blobStore } from "@/lib/ingest/bundle";
import type { BlobStore } from "@/lib/ingest/blobs";
import { ConnectionList, ConnectionQuery } from "@/lib/api/connection-schema";
import { connectionFacets, countConnections, cursorAtRow, listConnections } from "@/lib/incidents/connections";
import { BadCursor, encodeCursor } from "@/lib/incidents/connection-cursor";

const t = testDbForFile();

/*
 * Keyset paging on a fixture built for it: 3 startTs values only (ties everywhere, decided by id), idle gaps with
 * ties, nulls and a float that has no short decimal (0.1 + 0.2), rows inserted in shuffled order so that id order is
 * not start order, and a second incident whose rows must never show up.
 */
describe("connection pages (keyset)", () => {
  const CLASSES = ["normal", "keepalive-race", "premature-close"] as const;
  const TARGETS = ["10.0.0.1:8080", "10.0.0.2:8443"];
  const STATES = ["SF", "RSTO", "S0"];
  const GAPS = [null, 0, 0.1 + 0.2, 2000, 2000, 5000.5, 12];
  const T0 = Date.parse("2026-11-24T10:00:00.000Z");
  const incidentId = "inc_keyset";
  // Rows made here point into no exchanges file: the store is never read.
  let store: BlobStore;
  let expected: Array<{
    id: string;
    startTs: number;
    idleGapMs: number | null;
    class: string;
    target: string;
    state: string;
  }> = [];

  beforeAll(async () => {
    const db = t.handle.prisma;
    store = blobStore(t.dataDir);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        connIndex: i,
        startTs: new Date(T0 + Math.floor(rnd() * 3) * 1000),
        gap: GAPS[Math.floor(rnd() * GAPS.length)],
        cls: CLASSES[Math.floor(rnd() * CLASSES.length)],
        target: TARGETS[Math.floor(rnd() * TARGETS.length)],
        state: STATES[Math.floor(rnd() * STATES.length)],
      }));
    for (const [id, n] of [
      [incidentId, 113],
      ["inc_other", 40],
    ] as const) {
      await db.incident.create({ data: { id, title: id } });
      // Three captures: one parsed (its connections counted per target, class and state at ingest), one parsed
      // before the state was counted (per target and class only), one still parsing (its rows so far only in the table).
      const conns = make(n);
      const fileOf = (i: number) => (i < 60 ? `new_${id}` : i < 90 ? `old_${id}` : `parsing_${id}`);
      const byTargetClassState: Record<string, Record<string, Record<string, number>>> = {};
      const byTargetClass: Record<string, Record<string, number>> = {};
      conns.forEach((c, i) => {
        if (fileOf(i) === `new_${id}`) {
          const s = ((byTargetClassState[c.target] ??= {})[c.cls] ??= {});
          s[c.state] = (s[c.state] ?? 0) + 1;
        } else if (fileOf(i) === `old_${id}`)
          (byTargetClass[c.target] ??= {})[c.cls] = (byTargetClass[c.target][c.cls] ?? 0) + 1;
      });
      const file = (fid: string, status: string, counts: object) => ({
        id: fid,
        incidentId: id,
        name: `${fid}.pcap`,
        sha256: fid,
        size: 1n,
        kind: "pcap",
        status,
        counts,
      });
      await db.bundleFile.createMany({
        data: [
          file(`new_${id}`, "done", { byTargetClassState, byTargetClass: {} }),
          file(`old_${id}`, "done", { byTargetClass }),
          file(`parsing_${id}`, "parsing", {}),
        ],
      });
      await db.tcpConnection.createMany({
        data: conns.map((c, i) => ({
          incidentId: id,
          fileId: fileOf(i),
          connIndex: c.connIndex,
          gatewayHost: "10.1.0.1",
          gatewayPort: 40000 + c.connIndex,
          targetHost: c.target.split(":")[0],
          targetPort: Number(c.target.split(":")[1]),
          target: c.target,
          startTs: c.startTs,
          endTs: new Date(c.startTs.getTime() + 9000),
          closeTs: null,
          firstFrame: 1,
          lastFrame: 9,
          closeFrame: null,
          packetsG2T: 3,
          packetsT2G: 3,
          bytesG2T: 10n,
          bytesT2G: 10n,
          closer: null,
          closeKind: null,
          retransmissions: 0,
          connState: c.state,
          history: "ShADadFf",
          idleGapMs: c.gap,
          classCode: c.cls,
          classReason: "fixture",
        })),
      });
    }
    const rows = await db.tcpConnection.findMany({ where: { incidentId } });
    expected = rows.map((r) => ({
      id: String(r.id),
      startTs: r.startTs.getTime(),
      idleGapMs: r.idleGapMs,
      class: r.classCode,
      target: r.target,
      state: r.connState,
    }));
    // The fixture does what it is for: ties on startTs across many ids, on gaps, and rows without a gap.
    expect(new Set(expected.map((r) => r.startTs)).size).toBe(3);
    expect(expected.filter((r) => r.idleGapMs === null).length).toBeGreaterThan(5);
    expect(expected.filter((r) => r.idleGapMs === 2000).length).toBeGreaterThan(10);
    expect(expected.some((r) => r.idleGapMs === 0.1 + 0.2)).toBe(true);
  });

  const byTime = (a: (typeof expected)[number], b: (typeof expected)[number]) =>
    a.startTs - b.startTs || Number(BigInt(a.id) - BigInt(b.id));
  const byGap = (a: (typeof expected)[number], b: (typeof expected)[number]) =>
    a.idleGapMs === b.idleGapMs
      ? byTime(a, b)
      : a.idleGapMs === null
        ? 1
        : b.idleGapMs === null
          ? -1
          : b.idleGapMs - a.idleGapMs;
  const want = (sort: "time" | "gap", f: { class?: string; target?: string; state?: string }) =>
    expected
      .filter(
        (r) =>
          (!f.class || r.class === f.class) &&
          (!f.target || r.target === f.target) &&
          (!f.state || r.state === f.state),
      )
      .sort(sort === "time" ? byTime : byGap)
      .map((r) => r.id);

  type Filter = { class?: "normal" | "keepalive-race" | "premature-close"; target?: string; state?: string };
  const FILTERS: Filter[] = [
    {},
    { class: "keepalive-race" },
    { target: TARGETS[1] },
    { state: "RSTO" },
    { class: "normal", target: TARGETS[0], state: "SF" },
  ];

  /** Every page from the first by Next, and every page from the last by Previous. */
  async function walk(sort: "time" | "gap", f: Filter, pageSize: number) {
    const db = t.handle.prisma;
    const q = (cursor?: string) =>
      listConnections(db, store, incidentId, ConnectionQuery.parse({ ...f, sort, pageSize: String(pageSize), cursor }));
    const forward: string[][] = [];
    let page = ConnectionList.parse(await q());
    const total = page.total;
    expect(page.prevCursor).toBeNull();
    for (;;) {
      forward.push(page.connections.map((c) => c.id));
      if (page.nextCursor === null) break;
      expect(page.connections).toHaveLength(pageSize);
      const next = await q(page.nextCursor);
      // Previous from the next page is this page again.
      expect(next.prevCursor).not.toBeNull();
      expect((await q(next.prevCursor!)).connections.map((c) => c.id)).toEqual(page.connections.map((c) => c.id));
      page = next;
      expect(forward.length).toBeLessThan(200);
    }
    const backward: string[][] = [];
    page = await q(page.lastCursor ?? undefined);
    expect(page.nextCursor).toBeNull();
    for (;;) {
      backward.unshift(page.connections.map((c) => c.id));
      if (page.prevCursor === null) break;
      expect(page.connections).toHaveLength(pageSize);
      page = await q(page.prevCursor);
      expect(backward.length).toBeLessThan(200);
    }
    return { total, forward, backward };
  }

  for (const sort of ["time", "gap"] as const) {
    for (const f of FILTERS) {
      it(`walks every page both ways, sort ${sort}, filter ${JSON.stringify(f)}`, async () => {
        const ids = want(sort, f);
        expect(ids.length).toBeGreaterThan(3);
        for (const pageSize of [7, ids.length, ids.length + 1]) {
          const { total, forward, backward } = await walk(sort, f, pageSize);
          expect(total).toBe(ids.length);
          expect(forward.flat()).toEqual(ids);
          expect(backward.flat()).toEqual(ids);
          expect(forward.length).toBe(Math.ceil(ids.length / pageSize));
          // Only the last page forward (first page backward) is short.
          expect(forward.slice(0, -1).every((p) => p.length === pageSize)).toBe(true);
          expect(backward.slice(1).every((p) => p.length === pageSize)).toBe(true);
        }
      });
    }
  }

  it("walks one row at a time by idle gap", async () => {
    const ids = want("gap", { class: "premature-close" });
    const { forward, backward } = await walk("gap", { class: "premature-close" }, 1);
    expect(forward.flat()).toEqual(ids);
    expect(backward.flat()).toEqual(ids);
  });

  it("a cursor is a position: the same link gives the same page, under other filters it continues from there", async () => {
    const db = t.handle.prisma;
    const first = await listConnections(db, store, incidentId, ConnectionQuery.parse({ pageSize: "20" }));
    const again = await listConnections(db, store, incidentId, ConnectionQuery.parse({ pageSize: "20" }));
    expect(again.nextCursor).toBe(first.nextCursor);
    const a = await listConnections(
      db,
      store,
      incidentId,
      ConnectionQuery.parse({ pageSize: "20", cursor: first.nextCursor }),
    );
    const b = await listConnections(
      db,
      store,
      incidentId,
      ConnectionQuery.parse({ pageSize: "20", cursor: first.nextCursor }),
    );
    expect(b).toEqual(a);
    const all = want("time", {});
    expect(a.connections.map((c) => c.id)).toEqual(all.slice(20, 40));
    // Class filter from the unfiltered page's position: the races after row 20, in order.
    const races = await listConnections(
      db,
      store,
      incidentId,
      ConnectionQuery.parse({ pageSize: "5", class: "keepalive-race", cursor: first.nextCursor }),
    );
    const after = new Set(all.slice(20));
    expect(races.connections.map((c) => c.id)).toEqual(
      want("time", { class: "keepalive-race" })
        .filter((id) => after.has(id))
        .slice(0, 5),
    );
  });

  it("counts and facets: stored counts where a file has them, the table for the others", async () => {
    const db = t.handle.prisma;
    const facets = await connectionFacets(db, incidentId);
    expect(facets).toEqual({
      targets: [...new Set(expected.map((r) => r.target))].sort(),
      states: [...new Set(expected.map((r) => r.state))].sort(),
    });
    for (const f of [{}, ...FILTERS, { state: "S0", target: TARGETS[0] }, { state: "nope" }]) {
      expect(await countConnections(db, incidentId, f), JSON.stringify(f)).toBe(want("time", f).length);
    }
    // The other incident: all its rows in one file with counts by state; none of this incident's rows counted.
    for (const f of [{}, { class: "normal" as const }, { state: "SF" }]) {
      expect(await countConnections(db, "inc_other", f)).toBe(
        await db.tcpConnection.count({
          where: {
            incidentId: "inc_other",
            ...(f.class ? { classCode: f.class } : {}),
            ...(f.state ? { connState: f.state } : {}),
          },
        }),
      );
    }
  });

  it("cursorAtRow (the bench's deep page) starts the page at that row", async () => {
    const db = t.handle.prisma;
    for (const sort of ["time", "gap"] as const) {
      const ids = want(sort, {});
      for (const n of [0, 1, 50, ids.length - 1]) {
        const page = await listConnections(
          db,
          store,
          incidentId,
          ConnectionQuery.parse({ sort, pageSize: "10", cursor: await cursorAtRow(db, incidentId, { sort }, n) }),
        );
        expect(page.connections.map((c) => c.id)).toEqual(ids.slice(n, n + 10));
      }
    }
  });

  it("rejects cursors that are not its own", async () => {
    const db = t.handle.prisma;
    const list = (sort: "time" | "gap", cursor: string) =>
      listConnections(db, store, incidentId, ConnectionQuery.parse({ sort, cursor }));
    const byTimeFirst = await listConnections(db, store, incidentId, ConnectionQuery.parse({ pageSize: "5" }));
    const good = byTimeFirst.nextCursor!;
    const json = Buffer.from(good, "base64url").toString("utf8");
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    for (const bad of [
      "x",
      "!!!!",
      "",
      b64("not json"),
      b64("{}"),
      b64(json.replace("{", "{ ")), // not canonical
      b64(json.replace('"d":"next"', '"d":"sideways"')),
      b64(json.replace(/"i":"\d+"/, '"i":"1e3"')),
      b64(json.replace('"v":1', '"v":2')),
      encodeCursor({ v: 1, s: "time", d: "next", k: { t: 1, i: "1", g: 5 } }),
      encodeCursor({ v: 1, s: "time", d: "next" }),
      good + "A",
      "a".repeat(5000),
    ]) {
      await expect(list("time", bad), bad).rejects.toBeInstanceOf(BadCursor);
    }
    // A cursor of the time order is not one of the idle-gap order.
    await expect(list("gap", good)).rejects.toThrow(/sort order/);
    expect((await list("time", good)).connections).toHaveLength(50);
  });

  it("an incident without connections, or a filter nobody matches, has one empty page", async () => {
    const db = t.handle.prisma;
    for (const q of [{ target: "nowhere:1" }, { class: "refused" }]) {
      for (const sort of ["time", "gap"]) {
        const r = await listConnections(db, store, incidentId, ConnectionQuery.parse({ ...q, sort }));
        expect(r).toMatchObject({ total: 0, connections: [], prevCursor: null, nextCursor: null, lastCursor: null });
      }
    }
  });
});
