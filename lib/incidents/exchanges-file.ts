/**
 * A capture's HTTP exchanges on disk (DATA_DIR/index/<fileId>.exchanges), one JSON array per connection, written by
 * the parse thread; each TcpConnection row holds its array's offset and length. Issue #18: a keep-alive connection's
 * exchanges are kilobytes of JSON, and sending them through the database cost PGlite three times the rest of the row.
 * Incident deletion and the temporary-file sweep treat this file as they treat the line index beside it.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { lineIndexDir } from "@/lib/explore/line-index-file";
import type { HttpExchange } from "@/lib/analysis/tcp";

export const exchangesPath = (dataDir: string, fileId: string) =>
  path.join(lineIndexDir(dataDir), `${fileId}.exchanges`);

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
    const json = JSON.stringify(exchanges);
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
          return JSON.parse(buf.toString("utf8")) as unknown;
        } catch {
          return null;
        }
      }),
    );
  } finally {
    await fh.close();
  }
}
