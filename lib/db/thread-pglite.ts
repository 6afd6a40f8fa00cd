import path from "node:path";
import { Worker } from "node:worker_threads";
import {
  Mutex,
  TransactionAbortedError,
  messages,
  parse,
  protocol,
  type PGlite,
  type QueryOptions,
  type Results,
  type Transaction,
} from "@electric-sql/pglite";
import { PGliteWorker } from "@electric-sql/pglite/worker";

/**
 * PGlite in a worker thread of its own (lib/db/pglite-thread.mjs), seen from this thread as a PGlite instance.
 *
 * PGlite runs every statement synchronously on the thread that owns it: on the server's main thread, page requests
 * waited behind each insert and shared its core (issue 18). Here the thread owns it, and this object is the
 * client: it extends PGlite's own base class (the one `PGlite` and `PGliteWorker` extend; reached through
 * `PGliteWorker`, as the package exports it by no name) and overrides `query`, `exec` and `transaction` so that
 * each statement is one round trip: the thread serializes the parameters and runs the whole protocol exchange,
 * and the answer's bytes are parsed here with PGlite's parsers, so pglite-prisma-adapter works unchanged (its
 * parsers, `DatabaseError` checks and transactions). The query and transaction locks are held here, so the
 * thread only ever sees one statement at a time, in order. The base class's protocol primitives
 * (`execProtocolRaw` and the rest) are kept for anything else that calls them.
 */
type Base = abstract new () => Pick<PGlite, "serializers" | "parsers"> & { _initArrayTypes(): Promise<void> };
const BasePGlite = Object.getPrototypeOf(PGliteWorker) as Base;

/** How long a bulk statement lets other statements go first after the last one finished (see bulk()). */
const BULK_GRACE_MS = 4;

/** The thread's code, from the project root (APP_ROOT, else the working directory, as for migrations). */
const THREAD_ENTRY = "lib/db/pglite-thread.mjs";

type Request =
  | { op: "raw"; data: Uint8Array }
  | { op: "query"; sql: string; params: unknown[]; paramTypes?: number[] }
  | { op: "exec"; sql: string }
  | { op: "sync" }
  | { op: "close" }
  | { op: "threadId" };

interface PlainError {
  message: string;
  name?: string;
  stack?: string;
  databaseError?: boolean;
  [field: string]: unknown;
}

function toError(e: PlainError): Error {
  const err = e.databaseError
    ? new messages.DatabaseError(e.message, 0, "error")
    : Object.assign(new Error(e.message), { name: e.name ?? "Error" });
  for (const [k, v] of Object.entries(e)) {
    if (k === "databaseError" || k === "message" || k === "length" || k === "name") continue;
    (err as unknown as Record<string, unknown>)[k] = v;
  }
  return err;
}

export interface ThreadPGliteOptions {
  /** Data directory; undefined means in memory. */
  dataDir?: string;
  /** Postgres settings after PGlite's defaults (`-c name=value` pairs). */
  startParams?: string[];
}

export class ThreadPGlite extends BasePGlite {
  debug = 0;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #stopped: Error | null = null;
  #closing = false;
  readonly #queryLock = new Mutex();
  readonly #transactionLock = new Mutex();
  /** The thread's PGlite is up; then this side loads the array types (as PGlite does when it starts). */
  readonly #threadUp: Promise<void>;
  readonly waitReady: Promise<void>;
  #initQuery = false;
  #othersWaiting = 0;
  #lastOther = -Infinity;
  #failStart: (e: Error) => void = () => undefined;

  constructor(opts: ThreadPGliteOptions = {}) {
    super();
    const entry = path.join(process.env.APP_ROOT ?? process.cwd(), THREAD_ENTRY);
    // Not `new Worker(…)`: Turbopack rewrites that expression to load a bundle of its own making (and failed to find
    // it); the thread is a plain module loaded from the project root, under `next start` as under tsx and vitest.
    this.#worker = Reflect.construct(Worker, [
      entry,
      {
        workerData: { dataDir: opts.dataDir, startParams: opts.startParams ?? [] },
        // The thread's JavaScript holds one statement's parameters and answers at a time (PGlite's WebAssembly
        // memory is not part of this heap): a ceiling keeps V8 from letting garbage pile up (issue 5's budget).
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
      },
    ]) as Worker;
    // Idle, the thread does not keep the process alive (a script that forgot close() still exits); starting, or
    // with a request in flight, it does (#call refs it).
    this.#threadUp = new Promise<void>((resolve, reject) => {
      this.#failStart = reject;
      const onReady = (m: { ready?: boolean; error?: PlainError }) => {
        if (m.ready === undefined) return;
        this.#worker.off("message", onReady);
        if (this.#pending.size === 0) this.#worker.unref();
        if (m.ready) resolve();
        else reject(toError(m.error ?? { message: "the database thread failed to start" }));
      };
      this.#worker.on("message", onReady);
    });
    this.#threadUp.catch(() => undefined);
    this.#worker.on("message", (m: { id?: number; result?: unknown; error?: PlainError }) => {
      if (m.id === undefined) return;
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (m.error) p.reject(toError(m.error));
      else p.resolve(m.result);
    });
    const stop = (e: Error) => {
      this.#stopped ??= e;
      this.#failStart(this.#stopped);
      for (const p of this.#pending.values()) p.reject(this.#stopped);
      this.#pending.clear();
    };
    this.#worker.on("error", (e) => {
      console.error(`[db] the database thread failed: ${e.message}`);
      stop(new Error(`The database thread failed: ${e.message}`));
    });
    this.#worker.on("exit", (code) => stop(new Error(`The database thread has stopped (exit code ${code}).`)));
    this.waitReady = this.#threadUp.then(() => {
      // _initArrayTypes runs a query, whose first step (synchronously) is _checkReady: that one call passes.
      this.#initQuery = true;
      return this._initArrayTypes();
    });
    // A failed start surfaces on the first query; not an unhandled rejection meanwhile.
    this.waitReady.catch(() => undefined);
  }

  #call<T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ id, ...req }, transfer);
    });
  }

  get ready(): boolean {
    return !this.#closing && !this.#stopped;
  }
  get closed(): boolean {
    return this.#stopped !== null;
  }

  /** The thread's id (worker_threads), for tests: a query runs elsewhere than on `threadId` of this thread. */
  threadId(): Promise<number> {
    return this.#call<number>({ op: "threadId" });
  }

  /**
   * A bulk statement (lib/db/bulk-raw.ts): like `query`, its (large) array parameters serialized by the thread,
   * and only the count of affected rows parsed here.
   */
  async bulk(sql: string, params: unknown[]): Promise<{ affectedRows: number }> {
    // Requests first: a page runs its queries one after another, with a little rendering between them; were a
    // bulk insert to take each gap, every one of its queries would wait for a whole insert. So a bulk statement
    // starts only once no other statement is waiting and none has finished for BULK_GRACE_MS.
    for (;;) {
      const quiet = performance.now() - this.#lastOther;
      if (this.#othersWaiting === 0 && quiet >= BULK_GRACE_MS) break;
      await new Promise((r) => setTimeout(r, Math.max(1, BULK_GRACE_MS - quiet)));
    }
    await this._checkReady();
    const r = await this._runExclusiveTransaction(() => this.#query(sql, params));
    return { affectedRows: r.affectedRows ?? 0 };
  }

  // query, exec and transaction: one round trip to the thread per statement (PGlite's base class makes six, one per
  // protocol message; each costs a wake-up of both threads, which a busy 2-core machine made slow). Same locks and
  // the same parsing of the answers (parse.parseResults) as the base class.

  async query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    await this._checkReady();
    return this.#other(() => this._runExclusiveTransaction(() => this.#query<T>(sql, params, options)));
  }

  /** A statement other than a bulk insert: counted for bulk(). */
  async #other<T>(run: () => Promise<T>): Promise<T> {
    this.#othersWaiting++;
    try {
      return await run();
    } finally {
      this.#othersWaiting--;
      this.#lastOther = performance.now();
    }
  }

  async exec(sql: string, options?: QueryOptions): Promise<Array<Results>> {
    await this._checkReady();
    return this.#other(() => this._runExclusiveTransaction(() => this.#exec(sql, options)));
  }

  async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    await this._checkReady();
    return this.#other(() =>
      this._runExclusiveTransaction(async () => {
        await this.#exec("BEGIN");
        let closed = false;
        const open = () => {
          if (closed) throw new Error("Transaction is closed");
        };
        const tx = {
          query: async <R>(q: string, p?: unknown[], o?: QueryOptions) => (open(), this.#query<R>(q, p ?? [], o)),
          exec: async (q: string, o?: QueryOptions) => (open(), this.#exec(q, o)),
          sql: async () => {
            throw new Error("tx.sql is not supported by the database thread");
          },
          listen: async () => this.listen(),
          rollback: async () => {
            open();
            await this.#exec("ROLLBACK");
            closed = true;
          },
          get closed() {
            return closed;
          },
        } as unknown as Transaction;
        try {
          const result = await callback(tx);
          if (!closed) {
            closed = true;
            const [done] = await this.#exec("COMMIT");
            if ((done as { command?: string }).command === "ROLLBACK")
              throw Object.assign(new TransactionAbortedError(), { query: "COMMIT" });
          }
          return result;
        } catch (e) {
          if (!closed) {
            closed = true;
            await this.#exec("ROLLBACK");
          }
          throw e;
        }
      }),
    );
  }

  #query<T>(sql: string, params: unknown[], options?: QueryOptions): Promise<Results<T>> {
    if (options?.blob || options?.serializers) throw new Error("blobs and custom serializers are not supported here");
    return this._runExclusiveQuery(async () => {
      const answers = await this.#call<Uint8Array[]>({ op: "query", sql, params, paramTypes: options?.paramTypes });
      const msgs = this.#messagesOf(answers, options, { query: sql, params });
      return parse.parseResults(msgs, this.parsers, options)[0] as Results<T>;
    });
  }

  #exec(sql: string, options?: QueryOptions): Promise<Array<Results>> {
    if (options?.blob) throw new Error("blobs are not supported by the database thread");
    return this._runExclusiveQuery(async () => {
      const answers = await this.#call<Uint8Array[]>({ op: "exec", sql });
      return parse.parseResults(this.#messagesOf(answers, options, { query: sql }), this.parsers, options);
    });
  }

  /** The backend's messages; its first error thrown, with the statement attached (as PGlite does). */
  #messagesOf(
    answers: Uint8Array[],
    options: QueryOptions | undefined,
    context: { query: string; params?: unknown[] },
  ): messages.BackendMessage[] {
    const out: messages.BackendMessage[] = [];
    let error: messages.DatabaseError | null = null;
    const parser = new protocol.Parser();
    for (const data of answers)
      parser.parse(data, (m) => {
        if (m instanceof messages.DatabaseError) error ??= m;
        else if (m instanceof messages.NoticeMessage) options?.onNotice?.(m);
        out.push(m);
      });
    if (error) throw Object.assign(error, { ...context, queryOptions: options });
    return out;
  }

  async close(): Promise<void> {
    if (this.#closing || this.#stopped) return;
    await this.waitReady.catch(() => undefined);
    await this.#transactionLock.runExclusive(() =>
      this.#queryLock.runExclusive(async () => {
        this.#closing = true;
        try {
          if (!this.#stopped) await this.#call({ op: "close" });
        } finally {
          await this.#worker.terminate();
        }
      }),
    );
  }

  // The primitives of PGlite's base class.

  async execProtocolRaw(message: Uint8Array): Promise<Uint8Array> {
    // A copy of the message alone, moved to the thread: the serializer's own buffer is reused for the next
    // message (transferring it would detach it), and cloning a view would copy that whole buffer.
    const own = message.slice();
    return this.#call<Uint8Array>({ op: "raw", data: own }, [own.buffer as ArrayBuffer]);
  }

  async execProtocolStream(
    message: Uint8Array,
    { throwOnError = true, onNotice }: { throwOnError?: boolean; onNotice?: (n: messages.NoticeMessage) => void } = {},
  ): Promise<messages.BackendMessage[]> {
    const data = await this.execProtocolRaw(message);
    // As PGlite does in process: the first error is kept (and thrown), and nothing after it.
    const results: messages.BackendMessage[] = [];
    let error: messages.DatabaseError | null = null;
    new protocol.Parser().parse(data, (m) => {
      if (error) return;
      if (m instanceof messages.DatabaseError) {
        if (throwOnError) error = m;
      } else if (m instanceof messages.NoticeMessage) onNotice?.(m);
      results.push(m);
    });
    if (error) throw error;
    return results;
  }

  async execProtocol(
    message: Uint8Array,
    opts: { throwOnError?: boolean; onNotice?: (n: messages.NoticeMessage) => void } = {},
  ): Promise<{ messages: messages.BackendMessage[]; data: Uint8Array }> {
    const data = await this.execProtocolRaw(message);
    const results: messages.BackendMessage[] = [];
    let error: messages.DatabaseError | null = null;
    new protocol.Parser().parse(data, (m) => {
      if (error) return;
      if (m instanceof messages.DatabaseError) {
        if (opts.throwOnError ?? true) error = m;
      } else if (m instanceof messages.NoticeMessage) opts.onNotice?.(m);
      results.push(m);
    });
    if (error) throw error;
    return { messages: results, data };
  }

  async execProtocolRawStream(message: Uint8Array, { onRawData }: { onRawData: (d: Uint8Array) => void }) {
    onRawData(await this.execProtocolRaw(message));
  }

  async syncToFs(): Promise<void> {
    await this.#call({ op: "sync" });
  }

  async _checkReady(): Promise<void> {
    if (this.#closing) throw new Error("PGlite is closing");
    if (this.#stopped) throw this.#stopped;
    if (this.#initQuery) {
      this.#initQuery = false;
      return this.#threadUp;
    }
    await this.waitReady;
  }

  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queryLock.runExclusive(fn);
  }

  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transactionLock.runExclusive(fn);
  }

  // Blobs (COPY … '/dev/blob') and LISTEN are not used by this app.
  async _handleBlob(blob?: Blob): Promise<void> {
    if (blob) throw new Error("blobs are not supported by the database thread");
  }
  async _getWrittenBlob(): Promise<undefined> {
    return undefined;
  }
  async _cleanupBlob(): Promise<void> {}
  async listen(): Promise<never> {
    throw new Error("LISTEN is not supported by the database thread");
  }
}
