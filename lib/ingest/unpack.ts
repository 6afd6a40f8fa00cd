/** Streaming, limit-enforcing expansion of zip / tar / tar.gz / single-gzip uploads. No disk writes. */
import { createReadStream } from "node:fs";
import path from "node:path";
import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream";
import { crc32, createGunzip } from "node:zlib";
import * as tar from "tar-stream";
import yauzl from "yauzl";
import { LimitError, type IngestLimits } from "./limits";
import { isTarHeader } from "./sniff";

export { LimitError, DEFAULT_LIMITS, resolveLimits, type IngestLimits } from "./limits";

export type ArchiveKind = "zip" | "tar" | "gzip";
export interface ArchiveEntry { name: string; stream: Readable; declaredSize?: number }
export interface SkippedEntry { name: string; reason: string }
export interface ExpandResult {
  /** Entries delivered to onEntry. */
  entries: number;
  skipped: SkippedEntry[];
  /** Set when expansion stopped early because of an archive-wide limit. */
  stopped?: { code: LimitError["code"]; reason: string };
}
export type OnEntry = (entry: ArchiveEntry) => Promise<void>;

export class ArchiveError extends Error {
  readonly kind: string;
  readonly entryName?: string;
  readonly offset?: number;
  constructor(kind: string, what: string, opts: { entryName?: string; offset?: number; cause?: unknown } = {}) {
    const where = [
      opts.entryName !== undefined ? `at entry '${opts.entryName}'` : undefined,
      opts.offset !== undefined ? `at byte offset ${opts.offset}` : undefined,
    ].filter(Boolean).join(", ");
    const causeMsg = opts.cause instanceof Error ? `: ${opts.cause.message}` : "";
    super(`${kind}: ${what}${where ? ` (${where})` : ""}${causeMsg}`);
    this.name = "ArchiveError";
    this.kind = kind;
    this.entryName = opts.entryName;
    this.offset = opts.offset;
    if (opts.cause !== undefined) (this as { cause?: unknown }).cause = opts.cause;
  }
}

/** Validates an archive member name; returns a normalised relative path or the reason it is unsafe. */
export function safeEntryName(raw: string): { name: string } | { reason: string } {
  if (raw.includes("\0")) return { reason: "name contains a NUL byte" };
  const s = raw.replace(/\\/g, "/");
  if (/^[A-Za-z]:/.test(s)) return { reason: "absolute path with a drive letter" };
  if (s.startsWith("/")) return { reason: "absolute path" };
  const segs = s.split("/");
  if (segs.includes("..")) return { reason: "path contains a '..' segment" };
  const kept = segs.filter((x) => x !== "" && x !== ".");
  if (kept.length === 0) return { reason: "empty name" };
  return { name: kept.join("/") };
}

class Counter extends Transform {
  bytes = 0;
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

type Check = (entryBytes: number, chunkLen: number) => LimitError | undefined;
interface Pump {
  out: PassThrough;
  /** Settles when the source is fully consumed (or dropped); rejects with the source's error. */
  done: Promise<void>;
  /** Stop delivering; consume (tar) or drop (zip/gzip) the rest. */
  finish(): void;
  limit?: LimitError;
}

function noop(): void {}

/** Copies `src` into a PassThrough with backpressure while enforcing limits on every chunk. */
function pump(src: Readable, check: Check, onSkip: "drain" | "destroy", what: () => ArchiveError | undefined): Pump {
  const out = new PassThrough();
  out.on("error", noop);
  let discard = false;
  let bytes = 0;
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const p: Pump = {
    out,
    done: new Promise<void>((res, rej) => ((resolveDone = res), (rejectDone = rej))),
    finish: () => stop(undefined),
  };
  p.done.catch(noop);
  const stop = (err: LimitError | undefined): void => {
    if (discard) return;
    discard = true;
    out.destroy(err);
    if (onSkip === "destroy" || err?.code === "total-too-large" || err?.code === "compression-ratio") {
      src.removeAllListeners("data");
      src.on("error", noop);
      src.destroy();
      resolveDone();
    } else src.resume();
  };
  out.on("close", () => { if (!out.writableFinished) stop(undefined); });
  src.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    const err = check(bytes, chunk.length);
    if (err && !p.limit) { p.limit = err; stop(err); return; }
    if (discard) return;
    if (!out.write(chunk)) { src.pause(); out.once("drain", () => src.resume()); }
  });
  let ended = false;
  const fail = (e: unknown) => {
    const ae = what() ?? e;
    out.destroy(ae as Error);
    rejectDone(ae);
  };
  src.on("end", () => { ended = true; if (!discard) out.end(); resolveDone(); });
  src.on("error", fail);
  src.on("close", () => { if (!ended) setImmediate(() => fail(new Error("entry stream closed before its end"))); });
  return p;
}

/** Delivers one entry through onEntry and classifies the outcome. Returns a fatal limit, if any. */
async function deliver(
  name: string, declaredSize: number | undefined, p: Pump, onEntry: OnEntry, res: ExpandResult,
): Promise<LimitError | undefined> {
  let cbErr: unknown;
  let cbFailed = false;
  try { await onEntry({ name, stream: p.out, declaredSize }); } catch (e) { cbErr = e; cbFailed = true; }
  p.finish();
  await p.done; // rejects with ArchiveError when the source is corrupt/truncated
  if (p.limit) {
    res.skipped.push({ name, reason: p.limit.message });
    if (p.limit.code === "total-too-large" || p.limit.code === "compression-ratio") return p.limit;
    return undefined;
  }
  if (cbFailed) throw cbErr;
  res.entries++;
  return undefined;
}

function entryCheck(limits: IngestLimits, state: { total: number }, ratioOf?: (entryBytes: number) => number,
  ratioCode: "compression-ratio" = "compression-ratio"): Check {
  return (entryBytes, chunkLen) => {
    state.total += chunkLen;
    if (state.total > limits.maxTotalExpandedBytes)
      return new LimitError("total-too-large", `archive expands to more than ${limits.maxTotalExpandedBytes} bytes; expansion stopped`, limits.maxTotalExpandedBytes);
    if (entryBytes > limits.maxEntryBytes)
      return new LimitError("entry-too-large", `entry expands to more than ${limits.maxEntryBytes} bytes`, limits.maxEntryBytes);
    if (ratioOf && entryBytes > limits.ratioMinBytes) {
      const r = ratioOf(entryBytes);
      if (r > limits.maxCompressionRatio)
        return new LimitError(ratioCode, `compression ratio ${Math.round(r)} exceeds ${limits.maxCompressionRatio}`, limits.maxCompressionRatio);
    }
    return undefined;
  };
}

function stopWith(res: ExpandResult, e: LimitError, skippedName?: string): ExpandResult {
  if (skippedName !== undefined) res.skipped.push({ name: skippedName, reason: e.message });
  res.stopped = { code: e.code, reason: e.message };
  return res;
}

const tooMany = (limits: IngestLimits) =>
  new LimitError("too-many-entries", `archive has more than ${limits.maxEntries} entries; expansion stopped`, limits.maxEntries);

/** Decompresses up to `bytes` of the start of a gzip file (errors ignored). */
async function gunzipHead(file: string, bytes = 512): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const src = createReadStream(file);
  const gz = createGunzip();
  src.pipe(gz);
  try {
    for await (const c of gz as AsyncIterable<Buffer>) { chunks.push(c); n += c.length; if (n >= bytes) break; }
  } catch { /* truncated/corrupt: decide with what we have */ }
  src.destroy(); gz.destroy();
  return Buffer.concat(chunks);
}

export async function expandArchive(
  filePath: string, kind: ArchiveKind, limits: IngestLimits, onEntry: OnEntry, fileName?: string,
): Promise<ExpandResult> {
  if (kind === "zip") return expandZip(filePath, limits, onEntry);
  if (kind === "tar") return expandTar(filePath, false, limits, onEntry);
  if (isTarHeader(await gunzipHead(filePath))) return expandTar(filePath, true, limits, onEntry);
  return expandGzip(filePath, limits, onEntry, fileName ?? path.basename(filePath));
}

/** Name of the single member of a gzip file: the file name without .gz (.tgz → .tar). */
export function gunzippedName(fileName: string): string {
  const base = fileName.replace(/\\/g, "/").split("/").pop() || "";
  const n = base.replace(/\.tgz$/i, ".tar").replace(/\.(gz|gzip|z)$/i, "");
  return n && n !== base ? n : n ? `${n}.out` : "data";
}

async function expandGzip(filePath: string, limits: IngestLimits, onEntry: OnEntry, fileName: string): Promise<ExpandResult> {
  const res: ExpandResult = { entries: 0, skipped: [] };
  const name = gunzippedName(fileName);
  const countIn = new Counter();
  const gz = createGunzip();
  const src = createReadStream(filePath);
  src.on("error", (e) => gz.destroy(e));
  src.pipe(countIn).pipe(gz);
  const state = { total: 0 };
  const p = pump(gz, entryCheck(limits, state, (b) => b / Math.max(1, countIn.bytes)), "destroy",
    () => new ArchiveError("gzip", "corrupt or truncated gzip stream", { entryName: name, offset: countIn.bytes }));
  try {
    const fatal = await deliver(name, undefined, p, onEntry, res);
    if (fatal) return stopWith(res, fatal);
  } finally { src.destroy(); }
  return res;
}

type TarEntry = NodeJS.EventEmitter & { header: tar.Header; resume(): unknown };
const TAR_FILE_TYPES = new Set(["file", "contiguous-file"]);

async function expandTar(filePath: string, gzipped: boolean, limits: IngestLimits, onEntry: OnEntry): Promise<ExpandResult> {
  const kind = gzipped ? "tar.gz" : "tar";
  const res: ExpandResult = { entries: 0, skipped: [] };
  const countIn = new Counter();
  const countOut = new Counter();
  const extract = tar.extract();
  let pipeErr: unknown;
  let stopping = false;
  let current: string | undefined;
  const stages: NodeJS.ReadWriteStream[] = gzipped ? [countIn, createGunzip(), countOut] : [countIn, countOut];
  pipeline([createReadStream(filePath), ...stages, extract] as never, ((e: unknown) => { if (e && !stopping) pipeErr = e; }) as never);
  const archiveErr = (e?: unknown) =>
    new ArchiveError(kind, `corrupt or truncated archive${current === undefined ? "" : " while reading entry"}`, {
      entryName: current, offset: gzipped ? countIn.bytes : countOut.bytes, cause: pipeErr ?? e,
    });
  const state = { total: 0 };
  const check = entryCheck(limits, state, gzipped ? () => countOut.bytes / Math.max(1, countIn.bytes) : undefined);
  let seen = 0;
  const iter = extract[Symbol.asyncIterator]() as unknown as AsyncIterator<TarEntry>;
  try {
    for (;;) {
      let step: IteratorResult<TarEntry>;
      try { step = await iter.next(); } catch (e) { throw archiveErr(e); }
      if (step.done) break;
      const entry = step.value;
      const h = entry.header;
      current = h.name;
      // Consume a skipped entry, still counting its bytes toward the archive-wide limits.
      const drain = () => new Promise<LimitError | undefined>((r) => {
        let n = 0;
        entry.on("data", (c: Buffer) => {
          const e = check((n += c.length), c.length);
          if (e && (e.code === "total-too-large" || e.code === "compression-ratio")) r(e);
        });
        entry.once("end", () => r(undefined)); entry.once("close", () => r(undefined)); entry.once("error", () => r(undefined));
        entry.resume();
      });
      if (h.type === "directory") {
        const fatal = await drain();
        if (fatal) { stopping = true; return stopWith(res, fatal); }
        continue;
      }
      let reason: string | undefined;
      if (!TAR_FILE_TYPES.has(h.type ?? "file")) {
        reason = h.type === "symlink" || h.type === "link"
          ? `${h.type === "link" ? "hard link" : "symlink"} to '${h.linkname ?? ""}' not allowed`
          : `${h.type} entries are not allowed`;
      }
      const safe = safeEntryName(h.name);
      if (!reason && "reason" in safe) reason = safe.reason;
      if (++seen > limits.maxEntries) { stopping = true; return stopWith(res, tooMany(limits), h.name); }
      if (!reason && (h.size ?? 0) > limits.maxEntryBytes) reason = `declared size ${h.size} exceeds ${limits.maxEntryBytes} bytes`;
      if (reason || !("name" in safe)) {
        res.skipped.push({ name: h.name, reason: reason ?? "unsafe name" });
        const fatal = await drain();
        if (fatal) { stopping = true; return stopWith(res, fatal); }
        continue;
      }
      const p = pump(entry as unknown as Readable, check, "drain", () => archiveErr());
      let fatal: LimitError | undefined;
      try { fatal = await deliver(safe.name, h.size, p, onEntry, res); }
      catch (e) { if (e instanceof ArchiveError) throw archiveErr(); throw e; }
      if (fatal) { stopping = true; return stopWith(res, fatal); }
    }
    if (pipeErr) throw archiveErr();
    return res;
  } finally {
    stopping = true;
    await iter.return?.().catch(noop);
  }
}

type ZipEntry = yauzl.Entry;

/** yauzl does not verify CRC-32; fail the entry (before its end) when the data does not match. */
class CrcCheck extends Transform {
  private crc = 0;
  constructor(private readonly expected: number) { super(); }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }
  _flush(cb: TransformCallback): void {
    const got = this.crc >>> 0, want = this.expected >>> 0;
    cb(got === want ? null : new Error(`CRC-32 mismatch (expected ${want.toString(16)}, got ${got.toString(16)})`));
  }
}

function openZip(filePath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (err, zf) => (err ? reject(err) : resolve(zf)));
  });
}

function nextZipEntry(zf: yauzl.ZipFile): Promise<ZipEntry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => { zf.removeListener("entry", onE); zf.removeListener("end", onEnd); zf.removeListener("error", onErr); };
    const onE = (e: ZipEntry) => { cleanup(); resolve(e); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onErr = (e: Error) => { cleanup(); reject(e); };
    zf.on("entry", onE); zf.once("end", onEnd); zf.once("error", onErr);
    zf.readEntry();
  });
}

function zipEntryName(e: ZipEntry): string {
  const raw = e.fileName as unknown as Buffer | string;
  return typeof raw === "string" ? raw.replace(/\\/g, "/")
    : yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
}

async function expandZip(filePath: string, limits: IngestLimits, onEntry: OnEntry): Promise<ExpandResult> {
  const res: ExpandResult = { entries: 0, skipped: [] };
  let zf: yauzl.ZipFile;
  try { zf = await openZip(filePath); } catch (e) { throw new ArchiveError("zip", "cannot read central directory", { cause: e }); }
  const state = { total: 0 };
  let seen = 0;
  let name: string | undefined;
  let offset: number | undefined;
  try {
    for (;;) {
      let e: ZipEntry | null;
      try { e = await nextZipEntry(zf); }
      catch (err) { throw new ArchiveError("zip", "corrupt central directory after entry", { entryName: name, offset, cause: err }); }
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
      if (!reason && e.compressionMethod !== 0 && e.compressionMethod !== 8) reason = `unsupported compression method ${e.compressionMethod}`;
      if (!reason && usize > limits.maxEntryBytes) reason = `declared size ${usize} exceeds ${limits.maxEntryBytes} bytes`;
      if (!reason && usize > limits.ratioMinBytes && usize / csize > limits.maxCompressionRatio)
        reason = `declared compression ratio ${Math.round(usize / csize)} exceeds ${limits.maxCompressionRatio}`;
      if (reason || !("name" in safe)) { res.skipped.push({ name, reason: reason ?? "unsafe name" }); continue; }
      const entryName = name, entryOffset = offset;
      const fail = (err?: unknown) => new ArchiveError("zip", "corrupt or truncated entry data", { entryName, offset: entryOffset, cause: err });
      let raw: Readable;
      try { raw = await zf.openReadStreamPromise(e); } catch (err) { throw fail(err); }
      const src = new CrcCheck(e.crc32);
      pipeline(raw, src, noop);
      let srcErr: unknown;
      src.on("error", (x) => { srcErr = x; });
      const check = entryCheck(limits, state, (b) => b / csize);
      const p = pump(src, check, "destroy", () => fail(srcErr));
      const fatal = await deliver(safe.name, usize, p, onEntry, res);
      if (fatal) return stopWith(res, fatal);
    }
  } finally {
    zf.close();
  }
}
