import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { maskClientIdsInLog } from "./masked-download";

const KEY = "Zq7xKp2LmN9vBc4RtY8wHs3JdF6gA1eU"; // x-api-key shaped client id
const LOG = [
  "2026-11-23T19:33:55.775Z info 7600 7a1f edge micro listening on port 28000",
  `2026-11-23T19:33:55.816Z [info][127.0.0.1:28000][7600][acme][prod][orders/1][10.0.0.9][${KEY}][1e7af884-4fa5-4dfe-abca-6d2852d5e513][plugins-middleware][sourceRequest][GET][][][][]`,
  `2026-11-23T19:33:56.001Z [error][127.0.0.1:28081][7600][acme][prod][orders/1][10.0.0.9][${KEY}][2f8a0000-4fa5-4dfe-abca-6d2852d5e513][microgateway-core][targetRequest error][GET][502][socket hang up][ECONNRESET][12]`,
  "    at TLSSocket.emit (node:events:517:28) café",
  "",
].join("\n");

async function collect(r: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

describe("maskClientIdsInLog", () => {
  it("masks the client id of every event line, whatever the chunk boundaries, and keeps everything else", async () => {
    const bytes = Buffer.from(LOG, "utf8");
    for (const size of [1, 7, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const out = await collect(maskClientIdsInLog(Readable.from(chunks)));
      expect(out).not.toContain(KEY);
      expect(out.split("\n")).toHaveLength(LOG.split("\n").length);
      expect(out).toContain(`[10.0.0.9][Zq${"*".repeat(KEY.length - 4)}eU][1e7af884-`);
      expect(out.replace(/\[Zq\*+eU\]/g, `[${KEY}]`)).toBe(LOG); // only the field changed
    }
  });

  it("closes the stored file when the download is cancelled part-way", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "emg-mask-")), "gateway.log");
    writeFileSync(file, LOG.repeat(20_000)); // several reads' worth
    const source = createReadStream(file, { highWaterMark: 64 * 1024 });
    const masked = maskClientIdsInLog(source);
    for await (const chunk of masked) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // what a cancelled response does to the stream
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(source.destroyed).toBe(true);
    rmSync(path.dirname(file), { recursive: true });
  });
});
