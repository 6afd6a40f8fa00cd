import "server-only";
import { Worker } from "node:worker_threads";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { threadEntry } from "@/lib/server/thread-bundle";
import type { FromThread, Request, ThreadError, ThreadOptions } from "./protocol";

const ADAPTER_NAME = "pglite-prisma-adapter";

function toError({ name, message, stack, cause }: ThreadError): Error {
  const e = name === "DriverAdapterError" ? new DriverAdapterError(cause as never) : new Error(message);
  e.name = name;
  if (stack) e.stack = stack;
  return e;
}

/**
 * PGlite on a thread of its own (entry.ts), asked through messages. The thread is started on first use and holds
 * the process open only while a request waits for it, as an instance on this thread held nothing open.
 */
export class PgliteThread {
  private readonly worker: Promise<Worker>;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(opts: ThreadOptions) {
    this.worker = threadEntry("db-thread").then((file) => {
      const worker = new Worker(file, { workerData: opts });
      worker.unref();
      worker.on("message", (m: FromThread) => {
        const waiting = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!this.pending.size) worker.unref();
        if (m.ok) waiting?.resolve(m.value);
        else waiting?.reject(toError(m.error));
      });
      const failAll = (e: Error) => {
        for (const { reject } of this.pending.values()) reject(e);
        this.pending.clear();
      };
      worker.on("error", (e) => failAll(new Error(`The database thread failed: ${e.message}`)));
      worker.on("exit", (code) => failAll(new Error(`The database thread stopped (exit code ${code}).`)));
      return worker;
    });
  }

  async request<T>(r: Request): Promise<T> {
    const worker = await this.worker;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, ...r });
    });
  }

  /** An ingest's statement, after pages' queries (foreground.ts). */
  bulk(sql: string, params: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }> {
    return this.request({ op: "bulk", sql, params });
  }

  async close(): Promise<void> {
    await this.request({ op: "close" });
    await (await this.worker).terminate();
  }

  /** Prisma's driver adapter factory over this thread (pages' queries and migrations). */
  adapterFactory(): SqlMigrationAwareDriverAdapterFactory {
    const connect = async (shadow: boolean) =>
      new ThreadAdapter(this, await this.request<number>({ op: "connect", shadow }));
    return {
      provider: "postgres",
      adapterName: ADAPTER_NAME,
      connect: () => connect(false),
      connectToShadowDb: () => connect(true),
    };
  }
}

class ThreadQueryable {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(
    protected readonly thread: PgliteThread,
    protected readonly target: number,
  ) {}
  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.thread.request({ op: "queryRaw", target: this.target, query });
  }
  executeRaw(query: SqlQuery): Promise<number> {
    return this.thread.request({ op: "executeRaw", target: this.target, query });
  }
}

class ThreadTransaction extends ThreadQueryable implements Transaction {
  constructor(
    thread: PgliteThread,
    target: number,
    readonly options: TransactionOptions,
  ) {
    super(thread, target);
  }
  commit(): Promise<void> {
    return this.thread.request({ op: "commit", target: this.target });
  }
  rollback(): Promise<void> {
    return this.thread.request({ op: "rollback", target: this.target });
  }
}

class ThreadAdapter extends ThreadQueryable implements SqlDriverAdapter {
  executeScript(script: string): Promise<void> {
    return this.thread.request({ op: "executeScript", target: this.target, script });
  }
  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.thread.request<{ target: number; options: TransactionOptions }>({
      op: "startTransaction",
      target: this.target,
      isolationLevel,
    });
    return new ThreadTransaction(this.thread, tx.target, tx.options);
  }
  getConnectionInfo() {
    return { supportsRelationJoins: true };
  }
  dispose(): Promise<void> {
    return this.thread.request({ op: "dispose", target: this.target });
  }
}
