/**
 * Deleting an incident while another upload of the same bytes is on its way (issue #5: nothing uploaded is lost).
 * The store is content-addressed, so the deleted incident's blob is the new upload's blob too. Each interleaving
 * of the delete (look for a row, move aside, look again) with the upload (put held, rows, settle) is played here
 * step by step on a real database and a real blob store; the new incident's file is then parsed from it.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { BlobStore, type PutResult } from "@/lib/ingest/blobs";
import { createIncident } from "@/lib/ingest/bundle";
import { startWorker } from "@/lib/jobs/worker";
import { deleteIncident } from "@/lib/incidents/delete";
import { synthesizeLog } from "@/scripts/bench/synth-log";
import { synthesizeCapture } from "@/lib/parsers/pcap/bench";

const NAME = "gw01-to-target.pcap"; // a capture: parsed as it is stored (no redacted copy replaces its blob)
const SOURCE = path.join(SAMPLE_DIR, NAME);
const BYTES = readFileSync(SOURCE);

/** The blob store of DATA_DIR, with one hook: `afterFirstLook` runs once the delete's first look for a row has answered. */
class RacingStore extends BlobStore {
  afterFirstLook: (() => Promise<void>) | null = null;
  looks = 0;
  override async deleteUnused(sha256: string, inUse: () => Promise<boolean>): Promise<boolean> {
    return super.deleteUnused(sha256, async () => {
      const used = await inUse();
      this.looks++;
      const hook = this.afterFirstLook;
      this.afterFirstLook = null;
      if (hook) await hook();
      return used;
    });
  }
}

let t: TestEnv;
let store: RacingStore;
const db = () => t.handle.prisma;
beforeEach(async () => {
  t = await openTestDb();
  store = new RacingStore(path.join(t.dataDir, "blobs"));
});
afterEach(async () => t?.cleanup());

const put = (): Promise<PutResult> => store.put(createReadStream(SOURCE), { hold: true });
const incidentOf = (p: PutResult) =>
  createIncident(db(), store, [{ name: NAME, sha256: p.sha256, size: p.size, held: p.held }]);
const intact = (sha256: string) => existsSync(store.pathOf(sha256)) && readFileSync(store.pathOf(sha256)).equals(BYTES);
const leftovers = () =>
  existsSync(path.join(store.rootDir, "tmp")) ? readdirSync(path.join(store.rootDir, "tmp")) : [];

/** The new incident's file parses from the blob it points at. */
async function parsesFine(incidentId: string) {
  const worker = startWorker({ db: db(), dataDir: t.dataDir, concurrency: 1, pollMs: 50 });
  await worker.idle();
  await worker.stop();
  const files = await db().bundleFile.findMany({ where: { incidentId }, select: { status: true, error: true } });
  expect(files).toEqual([{ status: "done", error: null }]);
}

describe("deleting an incident while the same bytes are uploaded again", () => {
  it("the upload's rows land between the delete's first look and its move: the blob is put back", async () => {
    const old = await incidentOf(await put());
    let fresh: { id: string } | null = null;
    store.afterFirstLook = async () => {
      const again = await put(); // the blob still exists: this copy is held...
      expect(again.held).toBeDefined();
      fresh = await incidentOf(again); // ...its rows are written and it settles (dropping the held copy)
    };
    const done = await deleteIncident(db(), store, t.dataDir, old.id);
    expect(fresh).not.toBeNull();
    expect(store.looks).toBe(2); // looked again after moving the blob aside, and found the new row
    expect(done).toMatchObject({ files: 1, blobsDeleted: 0 });
    const row = await db().bundleFile.findFirstOrThrow({ where: { incidentId: fresh!.id }, select: { sha256: true } });
    expect(intact(row.sha256)).toBe(true);
    expect(leftovers()).toEqual([]);
    await parsesFine(fresh!.id);
  });

  it("the upload is stored before the delete and writes its rows after it: its held copy takes the blob's place", async () => {
    const old = await incidentOf(await put());
    const again = await put();
    expect(again.held).toBeDefined();
    const done = await deleteIncident(db(), store, t.dataDir, old.id);
    expect(done).toMatchObject({ files: 1, blobsDeleted: 1 });
    expect(existsSync(store.pathOf(again.sha256))).toBe(false); // no row pointed at it: gone for now
    const fresh = await incidentOf(again);
    expect(intact(again.sha256)).toBe(true);
    expect(leftovers()).toEqual([]);
    await parsesFine(fresh.id);
  });

  it("with no upload meanwhile, the blob is deleted and nothing stays aside", async () => {
    const p = await put();
    const old = await incidentOf(p);
    expect(await deleteIncident(db(), store, t.dataDir, old.id)).toMatchObject({ files: 1, blobsDeleted: 1 });
    expect(existsSync(store.pathOf(p.sha256))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  // Long enough to be caught parsing: a log (redacted copy and line index half written) and a capture (exchanges).
  const inputs = {
    "gateway.log": (file: string) => synthesizeLog(file, 150_000),
    "gateway.pcap": async (file: string) => void synthesizeCapture(file, 60),
  };
  it.each(Object.keys(inputs) as (keyof typeof inputs)[])(
    "%s deleted while it parses: the job stops with nothing left and no database error, and the next file parses",
    async (name) => {
      const input = path.join(t.dataDir, name);
      await inputs[name](input);
      const big = await store.put(createReadStream(input));
      const doomed = await createIncident(db(), store, [{ name, sha256: big.sha256, size: big.size }]);
      const errors = vi.spyOn(console, "error");
      const worker = startWorker({ db: db(), dataDir: t.dataDir, concurrency: 1, pollMs: 50 });
      try {
        await vi.waitFor(
          async () =>
            expect((await db().bundleFile.findFirst({ where: { incidentId: doomed.id } }))?.status).toBe("parsing"),
          { timeout: 20_000, interval: 20 },
        );
        const fileId = (await db().bundleFile.findFirstOrThrow({ where: { incidentId: doomed.id } })).id;
        await new Promise((r) => setTimeout(r, 300));
        await deleteIncident(db(), store, t.dataDir, doomed.id);
        const next = await incidentOf(await put());
        await worker.idle();
        expect(errors.mock.calls.flat().join(" ")).not.toMatch(/database error/);
        expect(await db().parseJob.count({ where: { status: { in: ["queued", "running"] } } })).toBe(0);
        const index = path.join(t.dataDir, "index");
        expect(existsSync(index) ? readdirSync(index).filter((f) => f.startsWith(fileId)) : []).toEqual([]);
        expect(leftovers()).toEqual([]);
        const files = await db().bundleFile.findMany({ where: { incidentId: next.id }, select: { status: true } });
        expect(files).toEqual([{ status: "done" }]);
      } finally {
        errors.mockRestore();
        await worker.stop();
      }
    },
    60_000,
  );
});
