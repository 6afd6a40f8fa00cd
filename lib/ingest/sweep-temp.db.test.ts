/**
 * Temporaries a SIGKILL leaves behind (issue #5), made as the store and the line index sink make them, aged with
 * fs.utimes (or the time in their name), then swept: directly, and by a worker as it starts.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { lineIndexDir } from "@/lib/explore/line-index-file";
import { startWorker } from "@/lib/jobs/worker";
import { blobStore, createIncident } from "./bundle";
import type { BlobStore } from "./blobs";
import { STALE_TEMP_MS, sweepStaleTemporaries } from "./sweep-temp";

const HOUR = 60 * 60 * 1000;
const CAPTURE = path.join(SAMPLE_DIR, "gw01-to-target.pcap");

let t: TestEnv;
let store: BlobStore;
const db = () => t.handle.prisma;
beforeEach(async () => {
  t = await openTestDb();
  store = blobStore(t.dataDir);
  mkdirSync(store.tempDir, { recursive: true });
  mkdirSync(lineIndexDir(t.dataDir), { recursive: true });
});
afterEach(async () => t?.cleanup());

/** Sets a file's last write `ms` ago. */
const age = (file: string, ms: number) => {
  const when = new Date(Date.now() - ms);
  utimesSync(file, when, when);
  return file;
};
const temps = () => readdirSync(store.tempDir).sort();
const indexFiles = () => readdirSync(lineIndexDir(t.dataDir)).sort();

/** What a killed process leaves: half an upload, half a line index, and their neighbours still in use or finished. */
function leftovers() {
  const now = Date.now();
  age(write(path.join(store.tempDir, `${now - 2 * HOUR}-00aa11bb22cc33dd.part`), "half an upload"), 2 * HOUR);
  write(path.join(store.tempDir, `${now}-44ee55ff66aa77bb.part`), "an upload going on now");
  const idx = lineIndexDir(t.dataDir);
  age(write(path.join(idx, "f_killed.lines.tmp"), "half an index"), 2 * HOUR);
  write(path.join(idx, "f_parsing.lines.tmp"), "an index being written now");
  age(write(path.join(idx, "f_done.lines"), "a finished index"), 48 * HOUR);
}
const write = (file: string, text: string | Buffer) => {
  writeFileSync(file, text);
  return file;
};

describe("sweeping stale temporary files", () => {
  it("removes temporaries older than the limit and keeps recent ones and finished files", async () => {
    leftovers();
    const kept = await store.put(createReadStream(CAPTURE)); // a stored blob, however old, is not a temporary
    age(store.pathOf(kept.sha256), 48 * HOUR);
    expect(await sweepStaleTemporaries(db(), t.dataDir)).toEqual({ removed: 2, restored: 0 });
    expect(temps()).toEqual([expect.stringMatching(/-44ee55ff66aa77bb\.part$/)]);
    expect(indexFiles()).toEqual(["f_done.lines", "f_parsing.lines.tmp"]);
    expect(readFileSync(store.pathOf(kept.sha256)).equals(readFileSync(CAPTURE))).toBe(true);
  });

  it("takes the age as a parameter, by last write", async () => {
    const tenMinutes = 10 * 60 * 1000;
    age(write(path.join(store.tempDir, `${Date.now() - tenMinutes}-0123456789abcdef.part`), "x"), tenMinutes);
    expect(await sweepStaleTemporaries(db(), t.dataDir)).toEqual({ removed: 0, restored: 0 }); // within the hour
    expect(STALE_TEMP_MS).toBe(HOUR);
    expect(await sweepStaleTemporaries(db(), t.dataDir, { maxAgeMs: 5 * 60 * 1000 })).toEqual({
      removed: 1,
      restored: 0,
    });
    expect(temps()).toEqual([]);
  });

  it("a blob moved aside to be deleted keeps its old mtime: its age is the time in its name", async () => {
    const blob = await store.put(Readable.from([Buffer.from("bytes nobody points at\n")]));
    age(store.pathOf(blob.sha256), 48 * HOUR);
    let looks = 0;
    const deleted = await store.deleteUnused(blob.sha256, async () => {
      if (++looks === 1) return false;
      // Moved aside by a clean-up that is about to look again: a worker starting elsewhere sweeps now.
      expect(temps()).toEqual([expect.stringMatching(new RegExp(`^${blob.sha256}-\\d+-[0-9a-f]+\\.gone$`))]);
      expect(await sweepStaleTemporaries(db(), t.dataDir)).toEqual({ removed: 0, restored: 0 });
      return true; // an upload's row appeared meanwhile: the clean-up puts the blob back
    });
    expect(deleted).toBe(false);
    expect(readFileSync(store.pathOf(blob.sha256), "utf8")).toBe("bytes nobody points at\n");
    expect(temps()).toEqual([]);
  });

  it("puts back a held or moved-aside copy a file row still needs, deletes one no row needs", async () => {
    const bytes = readFileSync(CAPTURE);
    const first = await store.put(createReadStream(CAPTURE));
    const held = await store.put(createReadStream(CAPTURE), { hold: true }); // the same bytes again: a held copy
    expect(path.basename(held.held!)).toMatch(new RegExp(`^${held.sha256}-\\d+-[0-9a-f]+\\.held$`));
    // A clean-up removed the blob (no row yet); the uploading process wrote its row and was killed before it
    // settled: the held copy is the only one left.
    expect(await store.deleteUnused(first.sha256, async () => false)).toBe(true);
    await db().$transaction([
      db().incident.create({ data: { id: "inc_killed", title: "killed before settle" } }),
      db().bundleFile.create({
        data: {
          id: "f_killed",
          incidentId: "inc_killed",
          name: "gw01-to-target.pcap",
          sha256: held.sha256,
          size: BigInt(held.size),
          kind: "pcap",
          status: "queued",
        },
      }),
    ]);
    // And a clean-up killed after moving aside bytes no row points at.
    const orphan = await store.put(Readable.from([Buffer.from("a deleted incident's bytes\n")]));
    await expect(
      store.deleteUnused(orphan.sha256, async () => {
        if (temps().some((n) => n.endsWith(".gone")))
          throw new Error("killed between the move aside and the second look");
        return false;
      }),
    ).rejects.toThrow(/killed/);
    expect(existsSync(store.pathOf(held.sha256))).toBe(false);
    expect(temps()).toHaveLength(2);

    expect(await sweepStaleTemporaries(db(), t.dataDir)).toEqual({ removed: 0, restored: 0 }); // too recent
    // The next start, two hours later.
    expect(await sweepStaleTemporaries(db(), t.dataDir, { now: Date.now() + 2 * HOUR })).toEqual({
      removed: 1,
      restored: 1,
    });
    expect(readFileSync(store.pathOf(held.sha256)).equals(bytes)).toBe(true);
    expect(existsSync(store.pathOf(orphan.sha256))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it("runs when a worker starts (stop() waits for it)", async () => {
    leftovers();
    const put = await store.put(createReadStream(CAPTURE));
    const incident = await createIncident(db(), store, [
      { name: "gw01-to-target.pcap", sha256: put.sha256, size: put.size },
    ]);
    const worker = startWorker({ db: db(), dataDir: t.dataDir, concurrency: 1, pollMs: 50, staleTempMs: HOUR });
    await worker.idle();
    await worker.stop();
    expect(temps()).toEqual([expect.stringMatching(/-44ee55ff66aa77bb\.part$/)]);
    const [capture] = await db().bundleFile.findMany({
      where: { incidentId: incident.id },
      select: { id: true, status: true },
    });
    expect(capture.status).toBe("done");
    // The stale `.tmp` is gone; the capture just parsed has its exchanges file (lib/incidents/exchanges-file.ts).
    expect(indexFiles()).toEqual([`${capture.id}.exchanges`, "f_done.lines", "f_parsing.lines.tmp"].sort());
  });
});
