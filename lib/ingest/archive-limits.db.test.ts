/**
 * Issue #14 item 4: a 91 KB tar.gz of 10,000 one-byte entries took the server from 238 to 1,227 MiB, and two at
 * once crashed it (every entry sniffed at once, 64 KiB each). Now: at most DEFAULT_LIMITS.maxEntries entries per
 * archive, with a note naming the archive and the limit, and a bounded number of files sniffed at once per process.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { testDbForFile } from "@/lib/testing/test-db";
import { makeTar } from "@/lib/testing/archives";
import { parseQueued } from "@/lib/testing/worker";
import { blobStore, createIncident } from "./bundle";
import { DEFAULT_LIMITS } from "./limits";
import { limiter } from "./pool";

const t = testDbForFile();

describe("tiny archives with many entries", () => {
  it("two tar.gz of 10,000 one-byte entries at once: 1,000 entries each, a note naming archive and limit, bounded memory", async () => {
    const file = path.join(t.scratch, "many.tar.gz");
    await makeTar(
      file,
      Array.from({ length: 10_000 }, (_, i) => ({ header: { name: `e/${i}.txt`, size: 1 }, data: Buffer.from("x") })),
      true,
    );
    const bytes = readFileSync(file);
    expect(bytes.length).toBeLessThan(200_000);
    const db = t.handle.prisma;
    const store = blobStore(t.dataDir);
    const incidents = [];
    for (let i = 0; i < 2; i++) {
      const put = await store.put(Readable.from([bytes]), { hold: true });
      incidents.push(
        await createIncident(db, store, [
          { name: `many-${i}.tar.gz`, sha256: put.sha256, size: put.size, held: put.held },
        ]),
      );
    }
    global.gc?.();
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const base = used();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
    await parseQueued(db, t.dataDir);
    clearInterval(sampler);
    const growthMiB = (peak - base) / 1024 / 1024;
    console.log(`two 10,000-entry archives: peak heap + buffers growth ${growthMiB.toFixed(1)} MiB`);
    expect(growthMiB).toBeLessThan(200);
    for (const [i, incident] of incidents.entries()) {
      const archive = await db.bundleFile.findFirstOrThrow({ where: { incidentId: incident.id, parentId: null } });
      expect(await db.bundleFile.count({ where: { parentId: archive.id } })).toBe(DEFAULT_LIMITS.maxEntries);
      expect(archive.status).toBe("done");
      expect(archive.error).toBe(
        `Unpacking 'many-${i}.tar.gz' stopped after 1000 entries: more than 1000 entries (the limit per archive); the rest were not unpacked.`,
      );
    }
  }, 300_000);

  it("the sniffing pool never runs more than its bound, whatever the number of callers", async () => {
    const run = limiter(3);
    let active = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 1));
      active--;
    };
    await Promise.all(Array.from({ length: 50 }, () => run(task)));
    expect(most).toBe(3);
    await expect(
      run(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await Promise.all(Array.from({ length: 10 }, () => run(task))); // a failed task gave its slot back
    expect(most).toBe(3);
  });
});
