/** tar and tar.gz: regular files only, names checked, every byte counted toward the limits. */
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import * as tar from "tar-stream";
import type { IngestLimits, LimitError } from "../limits";
import { ArchiveError, Counter, deliver, entryCheck, noop, pump, safeEntryName, stopWith, tooMany } from "./common";
import type { ExpandResult, OnEntry } from "./common";

type TarEntry = NodeJS.EventEmitter & { header: tar.Header; resume(): unknown };
const TAR_FILE_TYPES = new Set(["file", "contiguous-file"]);

export async function expandTar(
  filePath: string,
  gzipped: boolean,
  limits: IngestLimits,
  onEntry: OnEntry,
): Promise<ExpandResult> {
  const kind = gzipped ? "tar.gz" : "tar";
  const res: ExpandResult = { entries: 0, skipped: [] };
  const countIn = new Counter();
  const countOut = new Counter();
  const extract = tar.extract();
  let pipeErr: unknown;
  let stopping = false;
  let current: string | undefined;
  const stages: NodeJS.ReadWriteStream[] = gzipped ? [countIn, createGunzip(), countOut] : [countIn, countOut];
  pipeline(
    [createReadStream(filePath), ...stages, extract] as never,
    ((e: unknown) => {
      if (e && !stopping) pipeErr = e;
    }) as never,
  );
  const archiveErr = (e?: unknown) =>
    new ArchiveError(kind, `corrupt or truncated archive${current === undefined ? "" : " while reading entry"}`, {
      entryName: current,
      offset: gzipped ? countIn.bytes : countOut.bytes,
      cause: pipeErr ?? e,
    });
  const state = { total: 0 };
  const check = entryCheck(limits, state, gzipped ? () => countOut.bytes / Math.max(1, countIn.bytes) : undefined);
  let seen = 0;
  const iter = extract[Symbol.asyncIterator]() as unknown as AsyncIterator<TarEntry>;
  try {
    for (;;) {
      let step: IteratorResult<TarEntry>;
      try {
        step = await iter.next();
      } catch (e) {
        throw archiveErr(e);
      }
      if (step.done) break;
      const entry = step.value;
      const h = entry.header;
      current = h.name;
      // Consume a skipped entry, still counting its bytes toward the archive-wide limits.
      const drain = () =>
        new Promise<LimitError | undefined>((r) => {
          let n = 0;
          entry.on("data", (c: Buffer) => {
            const e = check((n += c.length), c.length);
            if (e && (e.code === "total-too-large" || e.code === "compression-ratio")) r(e);
          });
          entry.once("end", () => r(undefined));
          entry.once("close", () => r(undefined));
          entry.once("error", () => r(undefined));
          entry.resume();
        });
      if (h.type === "directory") {
        const fatal = await drain();
        if (fatal) {
          stopping = true;
          return stopWith(res, fatal);
        }
        continue;
      }
      let reason: string | undefined;
      if (!TAR_FILE_TYPES.has(h.type ?? "file")) {
        reason =
          h.type === "symlink" || h.type === "link"
            ? `${h.type === "link" ? "hard link" : "symlink"} to '${h.linkname ?? ""}' not allowed`
            : `${h.type} entries are not allowed`;
      }
      const safe = safeEntryName(h.name);
      if (!reason && "reason" in safe) reason = safe.reason;
      if (++seen > limits.maxEntries) {
        stopping = true;
        return stopWith(res, tooMany(limits), h.name);
      }
      if (!reason && (h.size ?? 0) > limits.maxEntryBytes)
        reason = `declared size ${h.size} exceeds ${limits.maxEntryBytes} bytes`;
      if (reason || !("name" in safe)) {
        res.skipped.push({ name: h.name, reason: reason ?? "unsafe name" });
        const fatal = await drain();
        if (fatal) {
          stopping = true;
          return stopWith(res, fatal);
        }
        continue;
      }
      const p = pump(entry as unknown as Readable, check, "drain", () => archiveErr());
      let fatal: LimitError | undefined;
      try {
        fatal = await deliver(safe.name, h.size, p, onEntry, res);
      } catch (e) {
        if (e instanceof ArchiveError) throw archiveErr();
        throw e;
      }
      if (fatal) {
        stopping = true;
        return stopWith(res, fatal);
      }
    }
    if (pipeErr) throw archiveErr();
    return res;
  } finally {
    stopping = true;
    await iter.return?.().catch(noop);
  }
}
