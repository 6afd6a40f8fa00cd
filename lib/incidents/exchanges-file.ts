/**
 * A capture's HTTP exchanges on disk (DATA_DIR/index/<fileId>.exchanges), one JSON array per connection, written by
 * the parse thread; each TcpConnection row holds its array's offset and length. Issue #18: a keep-alive connection's
 * exchanges are kilobytes of JSON, and sending them through the database cost PGlite three times the rest of the row.
 * Incident deletion and the temporary-file sweep treat this file as they treat the line index beside it.
 *
 * Each exchange is an array of its values in FIELDS order: as objects, the keys were more than half the bytes, and
 * the capture's parse thread took a tenth longer (docs/benchmark.md, "Exchanges as arrays"). Files written before
 * hold objects; both read back the same.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { lineIndexDir } from "@/lib/explore/line-index-file";
import type { HttpExchange } from "@/lib/analysis/tcp";

export const exchangesPath = (dataDir: string, fileId: string) =>
  path.join(lineIndexDir(dataDir), `${fileId}.exchanges`);

/** An exchange's fields in the order the file holds them; the last two are left out of an object when null. */
const FIELDS = [
  "method",
  "path",
  "reqTsUs",
  "reqFrame",
  "status",
  "respTsUs",
  "respFrame",
  "connectionHeader",
  "keepAliveTimeoutS",
  "contentLength",
  "chunked",
  "complete",
  "reqAckedUs",
  "responseBytes",
  "prevActivityUs",
  "invalidResponse",
  "answerLost",
] as const satisfies ReadonlyArray<keyof HttpExchange>;
const OPTIONAL: ReadonlySet<string> = new Set(["invalidResponse", "answerLost"] satisfies Array<keyof HttpExchange>);
// Every field of HttpExchange has a place: one added to the type and not here fails to compile.
const _everyField: Exclude<keyof HttpExchange, (typeof FIELDS)[number]> extends never ? true : never = true;
void _everyField;

// Written out in FIELDS order, no lookup per field (exchanges-file.test.ts reads every field back).
const encode = (e: HttpExchange) => [
  e.method,
  e.path,
  e.reqTsUs,
  e.reqFrame,
  e.status,
  e.respTsUs,
  e.respFrame,
  e.connectionHeader,
  e.keepAliveTimeoutS,
  e.contentLength,
  e.chunked,
  e.complete,
  e.reqAckedUs,
  e.responseBytes,
  e.prevActivityUs,
  e.invalidResponse ?? null,
  e.answerLost ?? null,
];

/** One exchange as pages read it, from either shape in the file (an array of FIELDS, or an object from before). */
function decode(item: unknown): unknown {
  if (!Array.isArray(item)) return item;
  const out: Record<string, unknown> = {};
  FIELDS.forEach((k, i) => {
    const v: unknown = item[i] ?? null;
    if (v !== null || !OPTIONAL.has(k)) out[k] = v;
  });
  return out;
}

/** Where one connection's exchanges lie in its capture's exchanges file. */
export interface ExchangesRef {
  at: number;
  bytes: number;
}

/** Writes a capture's exchanges while it is parsed; starts the file afresh (a re-run's rows are deleted too). */
export class ExchangesSink {
  private buffered: string[] = [];
  private end = 0;

  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "");
  }

  /** Where these exchanges will lie once flushed; null for none (nothing is written). */
  add(exchanges: readonly HttpExchange[]): ExchangesRef | null {
    if (exchanges.length === 0) return null;
    const json = JSON.stringify(exchanges.map(encode));
    const ref = { at: this.end, bytes: Buffer.byteLength(json) };
    this.buffered.push(json, "\n");
    this.end += ref.bytes + 1;
    return ref;
  }

  /** Appends what `add` handed out: a row pointing at it may be stored from now on. */
  flush(): void {
    if (this.buffered.length === 0) return;
    appendFileSync(this.file, this.buffered.join(""));
    this.buffered = [];
  }
}

/**
 * Each ref's exchanges, parsed as JSON (the caller validates them); `null` where the file is gone or too short (the
 * capture's incident was deleted, or a re-run is rewriting it), so a page shows the connection without its requests.
 */
export async function readExchanges(file: string, refs: readonly ExchangesRef[]): Promise<Array<unknown | null>> {
  if (refs.length === 0) return [];
  let fh;
  try {
    fh = await open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return refs.map(() => null);
    throw e;
  }
  try {
    return await Promise.all(
      refs.map(async ({ at, bytes }) => {
        const buf = Buffer.alloc(bytes);
        const { bytesRead } = await fh.read(buf, 0, bytes, at);
        if (bytesRead < bytes) return null;
        try {
          const list: unknown = JSON.parse(buf.toString("utf8"));
          return Array.isArray(list) ? list.map(decode) : list;
        } catch {
          return null;
        }
      }),
    );
  } finally {
    await fh.close();
  }
}
