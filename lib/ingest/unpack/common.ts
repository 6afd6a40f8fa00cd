/** Archive-independent pieces: entry types, the typed error, name checks, limit-enforcing pump. */
import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { LimitError, type IngestLimits } from "../limits";

export type { ArchiveKind } from "../file-kinds";
export interface ArchiveEntry {
  name: string;
  stream: Readable;
  declaredSize?: number;
}
export interface SkippedEntry {
  name: string;
  reason: string;
}
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
    ]
      .filter(Boolean)
      .join(", ");
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

export class Counter extends Transform {
  bytes = 0;
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

export type Check = (entryBytes: number, chunkLen: number) => LimitError | undefined;
interface Pump {
  out: PassThrough;
  /** Settles when the source is fully consumed (or dropped); rejects with the source's error. */
  done: Promise<void>;
  /** Stop delivering; consume (tar) or drop (zip/gzip) the rest. */
  finish(): void;
  limit?: LimitError;
}

export function noop(): void {}

/** Copies `src` into a PassThrough with backpressure while enforcing limits on every chunk. */
export function pump(
  src: Readable,
  check: Check,
  onSkip: "drain" | "destroy",
  what: () => ArchiveError | undefined,
): Pump {
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
  out.on("close", () => {
    if (!out.writableFinished) stop(undefined);
  });
  src.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    const err = check(bytes, chunk.length);
    if (err && !p.limit) {
      p.limit = err;
      stop(err);
      return;
    }
    if (discard) return;
    if (!out.write(chunk)) {
      src.pause();
      out.once("drain", () => src.resume());
    }
  });
  let ended = false;
  const fail = (e: unknown) => {
    const ae = what() ?? e;
    out.destroy(ae as Error);
    rejectDone(ae);
  };
  src.on("end", () => {
    ended = true;
    if (!discard) out.end();
    resolveDone();
  });
  src.on("error", fail);
  src.on("close", () => {
    if (!ended) setImmediate(() => fail(new Error("entry stream closed before its end")));
  });
  return p;
}

/** Delivers one entry through onEntry and classifies the outcome. Returns a fatal limit, if any. */
export async function deliver(
  name: string,
  declaredSize: number | undefined,
  p: Pump,
  onEntry: OnEntry,
  res: ExpandResult,
): Promise<LimitError | undefined> {
  let cbErr: unknown;
  let cbFailed = false;
  try {
    await onEntry({ name, stream: p.out, declaredSize });
  } catch (e) {
    cbErr = e;
    cbFailed = true;
  }
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

export function entryCheck(
  limits: IngestLimits,
  state: { total: number },
  ratioOf?: (entryBytes: number) => number,
  ratioCode: "compression-ratio" = "compression-ratio",
): Check {
  return (entryBytes, chunkLen) => {
    state.total += chunkLen;
    if (state.total > limits.maxTotalExpandedBytes)
      return new LimitError(
        "total-too-large",
        `archive expands to more than ${limits.maxTotalExpandedBytes} bytes; expansion stopped`,
        limits.maxTotalExpandedBytes,
      );
    if (entryBytes > limits.maxEntryBytes)
      return new LimitError(
        "entry-too-large",
        `entry expands to more than ${limits.maxEntryBytes} bytes`,
        limits.maxEntryBytes,
      );
    if (ratioOf && entryBytes > limits.ratioMinBytes) {
      const r = ratioOf(entryBytes);
      if (r > limits.maxCompressionRatio)
        return new LimitError(
          ratioCode,
          `compression ratio ${Math.round(r)} exceeds ${limits.maxCompressionRatio}`,
          limits.maxCompressionRatio,
        );
    }
    return undefined;
  };
}

export function stopWith(res: ExpandResult, e: LimitError, skippedName?: string): ExpandResult {
  if (skippedName !== undefined) res.skipped.push({ name: skippedName, reason: e.message });
  res.stopped = { code: e.code, reason: e.message };
  return res;
}

export const tooMany = (limits: IngestLimits) =>
  new LimitError(
    "too-many-entries",
    `more than ${limits.maxEntries} entries (the limit per archive); the rest were not unpacked`,
    limits.maxEntries,
  );
