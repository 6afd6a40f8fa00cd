// The collector reads the logs after its capture: one that cannot be read by then (rotated away, no permission, a
// .gz that is no file) is left out with its reason, and the rest is redacted as before.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { redactFiles } from "./redact-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "collector-redact-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("redactFiles", () => {
  it("leaves out what cannot be read, with why, and redacts the rest", async () => {
    const good = path.join(dir, "edgemicro-h-1-api.log");
    fs.writeFileSync(good, "2026-11-23T19:00:00.000Z [error] Authorization: Bearer abc.def.ghi\n");
    const packed = path.join(dir, "edgemicro-h-0-api.log.gz");
    fs.writeFileSync(packed, zlib.gzipSync(Buffer.from("2026-11-23T18:00:00.000Z [info] ok\n")));
    const gone = path.join(dir, "edgemicro-h-2-api.log");
    const notAFile = path.join(dir, "edgemicro-h-3-api.log.gz");
    fs.mkdirSync(notAFile); // read fails (EISDIR) behind the gunzip
    const { redacted, skipped } = await redactFiles(
      [good, packed, gone, notAFile].map((file) => ({ file, name: `logs/${path.basename(file)}` })),
    );
    expect(redacted.map((r) => r.name)).toEqual(["logs/edgemicro-h-1-api.log", "logs/edgemicro-h-0-api.log"]);
    expect(redacted[0].data.toString()).not.toContain("abc.def.ghi");
    expect(redacted[1].data.toString()).toBe("2026-11-23T18:00:00.000Z [info] ok\n");
    expect(skipped).toEqual([
      expect.stringMatching(/^logs\/edgemicro-h-2-api\.log: left out, .* could not be read \(ENOENT/),
      expect.stringMatching(/^logs\/edgemicro-h-3-api\.log\.gz: left out, .* could not be read \(EISDIR/),
    ]);
  }, 10_000);
});
