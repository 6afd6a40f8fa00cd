/** Single-member gzip files (`x.log.gz`), and the peek that tells a .tar.gz from them. */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { IngestLimits } from "../limits";
import { ArchiveError, Counter, deliver, entryCheck, pump, stopWith, type ExpandResult, type OnEntry } from "./common";

/** Decompresses up to `bytes` of the start of a gzip file (errors ignored). */
export async function gunzipHead(file: string, bytes = 512): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const src = createReadStream(file);
  const gz = createGunzip();
  // pipe() does not forward a read error: unforwarded, it is uncaught and the read below never ends.
  src.on("error", (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    for await (const c of gz as AsyncIterable<Buffer>) {
      chunks.push(c);
      n += c.length;
      if (n >= bytes) break;
    }
  } catch {
    /* truncated/corrupt: decide with what we have */
  }
  src.destroy();
  gz.destroy();
  return Buffer.concat(chunks);
}

/** Name of the single member of a gzip file: the file name without .gz (.tgz → .tar). */
export function gunzippedName(fileName: string): string {
  const base = fileName.replace(/\\/g, "/").split("/").pop() || "";
  const n = base.replace(/\.tgz$/i, ".tar").replace(/\.(gz|gzip|z)$/i, "");
  return n && n !== base ? n : n ? `${n}.out` : "data";
}

export async function expandGzip(
  filePath: string,
  limits: IngestLimits,
  onEntry: OnEntry,
  fileName: string,
): Promise<ExpandResult> {
  const res: ExpandResult = { entries: 0, skipped: [] };
  const name = gunzippedName(fileName);
  const countIn = new Counter();
  const gz = createGunzip();
  const src = createReadStream(filePath);
  src.on("error", (e) => gz.destroy(e));
  src.pipe(countIn).pipe(gz);
  const state = { total: 0 };
  const p = pump(
    gz,
    entryCheck(limits, state, (b) => b / Math.max(1, countIn.bytes)),
    "destroy",
    () => new ArchiveError("gzip", "corrupt or truncated gzip stream", { entryName: name, offset: countIn.bytes }),
  );
  try {
    const fatal = await deliver(name, undefined, p, onEntry, res);
    if (fatal) return stopWith(res, fatal);
  } finally {
    src.destroy();
  }
  return res;
}
