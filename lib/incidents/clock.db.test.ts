import { createReadStream, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { blobStore, createIncident, type StoredUpload } from "@/lib/ingest/bundle";
import { parseQueued } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { ClockAlignment } from "@/lib/api/clock-schema";
import { getClockAlignment, setClockOffset } from "@/lib/incidents/clock";
import { readCandidates } from "@/lib/incidents/correlate";

/*
 * The sample's log and capture were taken on one host: its 3 × 502 (grep -c '\]\[502\]\[' *.log → 3) each
 * coincide with a keep-alive race in the capture. Here the log's clock is moved 37.25 s ahead (longer than
 * the whole capture), as if the gateway host's clock had drifted: the offset must be found from the data,
 * and the matches must follow a person's override.
 */
const SHIFT_MS = 37_250;
let t: TestEnv;
let incidentId: string;

beforeAll(async () => {
  t = await openTestDb();
  const store = blobStore(t.dataDir);
  const stored: StoredUpload[] = [];
  for (const name of readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md")) {
    let src: Readable = createReadStream(path.join(SAMPLE_DIR, name));
    if (name.endsWith(".log")) {
      const shifted = readFileSync(path.join(SAMPLE_DIR, name), "utf8").replace(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/gm,
        (ts) => new Date(Date.parse(ts) + SHIFT_MS).toISOString(),
      );
      src = Readable.from([Buffer.from(shifted)]);
    }
    const put = await store.put(src);
    stored.push({ name, sha256: put.sha256, size: put.size });
  }
  incidentId = (await createIncident(t.handle.prisma, store, stored)).id;
  await parseQueued(t.handle.prisma, t.dataDir);
});
afterAll(async () => t?.cleanup());

const explained = async () => (await getIncidentView(t.handle.prisma, incidentId))!.diagnosis.verdict.explains502;
const matchedUrls = async () => {
  const conns = await t.handle.prisma.tcpConnection.findMany({
    where: { incidentId, matchedCorrelationId: { not: null } },
    select: { matchedCorrelationId: true, classCode: true },
  });
  const txs = await t.handle.prisma.logTransaction.findMany({
    where: { incidentId, correlationId: { in: conns.map((c) => c.matchedCorrelationId!) } },
    select: { url: true },
  });
  return txs.map((x) => x.url).sort();
};

describe("clock alignment of a log whose clock runs 37.25 s ahead of the capture", () => {
  it("detects the offset at ingest and recovers the three matches", async () => {
    const a = ClockAlignment.parse(await getClockAlignment(t.handle.prisma, incidentId));
    expect(a.source).toBe("detected");
    expect(a.detectedPairs).toBe(3);
    // The log line follows the packet by a few ms (gateway latency).
    expect(a.detectedOffsetMs).toBeGreaterThanOrEqual(SHIFT_MS - 20);
    expect(a.detectedOffsetMs).toBeLessThanOrEqual(SHIFT_MS + 20);
    expect([a.failures, a.matched, a.connections]).toEqual([3, 3, 15]);
    expect(await matchedUrls()).toEqual(["emg_badtarget/items/18", "emg_badtarget/items/2", "emg_badtarget/items/7"]);
    expect(await explained()).toBe(3);
  });

  it("shows the failures correlation read, and counts them for an incident correlated before that was stored", async () => {
    const db = t.handle.prisma;
    const stored = await db.incident.findUniqueOrThrow({ where: { id: incidentId }, select: { clockFailures: true } });
    expect(stored.clockFailures).toBe(3);
    await db.incident.update({ where: { id: incidentId }, data: { clockFailures: null } });
    expect((await getClockAlignment(db, incidentId))!.failures).toBe(3);
    await db.incident.update({ where: { id: incidentId }, data: { clockFailures: 3 } });
  });

  it("an override of 0 ms (clocks assumed equal) loses every match; the diagnosis follows", async () => {
    const a = await setClockOffset(t.handle.prisma, incidentId, 0);
    expect(a).toMatchObject({ source: "override", appliedOffsetMs: 0, overrideMs: 0, matched: 0 });
    expect(a!.detectedOffsetMs).toBeGreaterThan(SHIFT_MS - 20);
    expect(await matchedUrls()).toEqual([]);
    expect(await explained()).toBe(0);
    const conn = await t.handle.prisma.tcpConnection.count({ where: { incidentId, matchedDeltaMs: { not: null } } });
    expect(conn).toBe(0);
  });

  it("the right override recovers them, with deltas measured after the correction", async () => {
    const a = await setClockOffset(t.handle.prisma, incidentId, SHIFT_MS);
    expect(a).toMatchObject({ source: "override", appliedOffsetMs: SHIFT_MS, matched: 3 });
    expect(await explained()).toBe(3);
    const deltas = await t.handle.prisma.tcpConnection.findMany({
      where: { incidentId, matchedDeltaMs: { not: null } },
      select: { matchedDeltaMs: true },
    });
    expect(deltas.every((d) => Math.abs(d.matchedDeltaMs!) < 50)).toBe(true);
  });

  it("reset: back to the detected offset", async () => {
    const a = await setClockOffset(t.handle.prisma, incidentId, null);
    expect(a).toMatchObject({ source: "detected", overrideMs: null, matched: 3 });
    expect(await setClockOffset(t.handle.prisma, "inc_nope", 5)).toBeNull();
  });

  it("reads the connections it matches page by page: each once, in id order", async () => {
    const db = t.handle.prisma;
    const ids = (
      await db.tcpConnection.findMany({ where: { incidentId }, select: { id: true }, orderBy: { id: "asc" } })
    ).map((c) => String(c.id));
    expect(ids.length).toBeGreaterThan(7);
    const onePage = await readCandidates(db, incidentId);
    expect(onePage.map((c) => c.id)).toEqual(ids);
    // Pages of 3 (several, the last short or empty), and one page of exactly the count (then an empty one).
    for (const size of [3, ids.length]) expect(await readCandidates(db, incidentId, size)).toEqual(onePage);
  });
});
