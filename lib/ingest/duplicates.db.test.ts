import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { readFileCounts } from "@/lib/api/file-counts";
import { addFiles, blobStore, createIncident, type StoredUpload } from "./bundle";

/*
 * The sample log has 25 transactions and 3 × 502 (grep, see ingest.db.test.ts). A Bearer token appended to it makes
 * its redacted copy differ from the upload, so the copy's row must follow the original to the redacted blob.
 */
const LOG = readdirSync(SAMPLE_DIR).find((f) => f.endsWith(".log"))!;
const PCAP = readdirSync(SAMPLE_DIR).find((f) => f.endsWith(".pcap"))!;
const SECRET = "Authorization: Bearer sk_live_0123456789abcdef0123456789";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

const put = async (name: string, bytes: Buffer): Promise<StoredUpload> => {
  const p = await blobStore(t.dataDir).put(Readable.from([bytes]));
  return { name, sha256: p.sha256, size: p.size };
};

describe("the same content twice in one incident", () => {
  it("is parsed once; the copy is skipped naming the original, and keeps no unredacted bytes", async () => {
    const db = t.handle.prisma;
    const store = blobStore(t.dataDir);
    const log = Buffer.concat([readFileSync(path.join(SAMPLE_DIR, LOG)), Buffer.from(`${SECRET}\n`)]);
    const pcap = readFileSync(path.join(SAMPLE_DIR, PCAP));
    const files = [await put(LOG, log), await put("copy/gateway.log", log), await put(PCAP, pcap)];
    const incident = await createIncident(db, store, files);
    // Added later, as an archive's members are once it is unpacked: the capture is still the upload's bytes.
    await addFiles(db, store, incident.id, [await put("again.pcap", pcap)]);
    await parseQueued(db, t.dataDir);

    const rows = await db.bundleFile.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: "asc" } });
    const byName = new Map(rows.map((r) => [r.name, r]));
    const original = byName.get(LOG)!;
    const copy = byName.get("copy/gateway.log")!;
    expect(original.status).toBe("done");
    expect(copy.status).toBe("skipped");
    expect(copy.error).toContain(`Same content as '${LOG}'`);
    expect(readFileCounts(copy.counts).duplicateOf).toBe(original.id);
    // The copy follows the original to its redacted blob; the upload's bytes are gone.
    expect(original.sha256).not.toBe(files[0].sha256);
    expect(copy.sha256).toBe(original.sha256);
    expect(await store.has(files[0].sha256)).toBe(false);
    expect(readFileSync(store.pathOf(copy.sha256), "utf8")).not.toContain("sk_live_");
    expect(byName.get(PCAP)!.status).toBe("done");
    expect(byName.get("again.pcap")!.status).toBe("skipped");
    expect(readFileCounts(byName.get("again.pcap")!.counts).duplicateOf).toBe(byName.get(PCAP)!.id);

    // Added once the original's redacted copy replaced it (an archive unpacked after it): still known, by the
    // upload's hash the original keeps.
    const [later] = await addFiles(db, store, incident.id, [await put("later.log", log)]);
    expect(later).toMatchObject({ status: "skipped", sha256: original.sha256, counts: { duplicateOf: original.id } });
    expect(await store.has(files[0].sha256)).toBe(false);
    await parseQueued(db, t.dataDir);

    // Counted once: the sample's 25 transactions and 3 × 502, as with one copy.
    const view = (await getIncidentView(db, incident.id))!;
    expect(view.summary.transactions).toBe(25);
    expect(view.summary.status502).toBe(3);
  });
});
