/** zip: central directory first (declared sizes and ratios), CRC-checked data, links and special files refused. */
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import type { IngestLimits } from "../limits";
import { ArchiveError, deliver, entryCheck, noop, pump, safeEntryName, stopWith, tooMany } from "./common";
import type { ExpandResult, OnEntry } from "./common";

type ZipEntry = yauzl.Entry;

/** yauzl does not verify CRC-32; fail the entry (before its end) when the data does not match. */
class CrcCheck extends Transform {
  private crc = 0;
  constructor(private readonly expected: number) {
    super();
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }
  _flush(cb: TransformCallback): void {
    const got = this.crc >>> 0,
      want = this.expected >>> 0;
    cb(got === want ? null : new Error(`CRC-32 mismatch (expected ${want.toString(16)}, got ${got.toString(16)})`));
  }
}

function openZip(filePath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      filePath,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (err, zf) => (err ? reject(err) : resolve(zf)),
    );
  });
}

function nextZipEntry(zf: yauzl.ZipFile): Promise<ZipEntry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zf.removeListener("entry", onE);
      zf.removeListener("end", onEnd);
      zf.removeListener("error", onErr);
    };
    const onE = (e: ZipEntry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onErr = (e: Error) => {
      cleanup();
      reject(e);
    };
    zf.on("entry", onE);
    zf.once("end", onEnd);
    zf.once("error", onErr);
    zf.readEntry();
  });
}

function zipEntryName(e: ZipEntry): string {
  const raw = e.fileName as unknown as Buffer | string;
  return typeof raw === "string"
    ? raw.replace(/\\/g, "/")
    : yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
}

export async function expandZip(filePath: string, limits: IngestLimits, onEntry: OnEntry): Promise<ExpandResult> {
  const res: ExpandResult = { entries: 0, skipped: [] };
  let zf: yauzl.ZipFile;
  try {
    zf = await openZip(filePath);
  } catch (e) {
    throw new ArchiveError("zip", "cannot read central directory", { cause: e });
  }
  const state = { total: 0 };
  let seen = 0;
  let name: string | undefined;
  let offset: number | undefined;
  try {
    for (;;) {
      let e: ZipEntry | null;
      try {
        e = await nextZipEntry(zf);
      } catch (err) {
        throw new ArchiveError("zip", "corrupt central directory after entry", { entryName: name, offset, cause: err });
      }
      if (!e) return res;
      name = zipEntryName(e);
      offset = e.relativeOffsetOfLocalHeader;
      const madeByUnix = e.versionMadeBy >> 8 === 3;
      const fmt = madeByUnix ? (e.externalFileAttributes >>> 16) & 0o170000 : 0;
      if (name.endsWith("/") || fmt === 0o040000) continue;
      let reason: string | undefined;
      if (fmt === 0o120000) reason = "symlink entries are not allowed";
      else if (fmt !== 0 && fmt !== 0o100000) reason = "special file entries are not allowed";
      const safe = safeEntryName(name);
      if (!reason && "reason" in safe) reason = safe.reason;
      if (++seen > limits.maxEntries) return stopWith(res, tooMany(limits), name);
      const usize = e.uncompressedSize;
      const csize = Math.max(1, e.compressedSize);
      if (!reason && e.isEncrypted()) reason = "encrypted entries are not supported";
      if (!reason && e.compressionMethod !== 0 && e.compressionMethod !== 8)
        reason = `unsupported compression method ${e.compressionMethod}`;
      if (!reason && usize > limits.maxEntryBytes)
        reason = `declared size ${usize} exceeds ${limits.maxEntryBytes} bytes`;
      if (!reason && usize > limits.ratioMinBytes && usize / csize > limits.maxCompressionRatio)
        reason = `declared compression ratio ${Math.round(usize / csize)} exceeds ${limits.maxCompressionRatio}`;
      if (reason || !("name" in safe)) {
        res.skipped.push({ name, reason: reason ?? "unsafe name" });
        continue;
      }
      const entryName = name,
        entryOffset = offset;
      const fail = (err?: unknown) =>
        new ArchiveError("zip", "corrupt or truncated entry data", { entryName, offset: entryOffset, cause: err });
      let raw: Readable;
      try {
        raw = await zf.openReadStreamPromise(e);
      } catch (err) {
        throw fail(err);
      }
      const src = new CrcCheck(e.crc32);
      pipeline(raw, src, noop);
      let srcErr: unknown;
      src.on("error", (x) => {
        srcErr = x;
      });
      const check = entryCheck(limits, state, (b) => b / csize);
      const p = pump(src, check, "destroy", () => fail(srcErr));
      const fatal = await deliver(safe.name, usize, p, onEntry, res);
      if (fatal) return stopWith(res, fatal);
    }
  } finally {
    zf.close();
  }
}
