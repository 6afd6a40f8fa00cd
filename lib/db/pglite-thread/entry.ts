/**
 * The PGlite thread (a worker_threads Worker, one per database; bundled to scripts/threads/dist by
 * scripts/threads/build.mjs). PGlite runs each statement synchronously on the thread that owns it: here, so the
 * server's thread serves pages while an ingest's inserts run (#18). It owns the instance and Prisma's PGlite
 * adapter, and answers client.ts's requests (protocol.ts); the foreground gate orders pages' queries before the
 * ingest's bulk statements as it did on the server's thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlDriverAdapter, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import { gatedPglite } from "../foreground";
import type { FromThread, Request, ThreadError, ThreadOptions, ToThread } from "./protocol";

const port = parentPort;
if (!port) throw new Error("lib/db/pglite-thread/entry.ts runs as a worker thread only");
const opts = workerData as ThreadOptions;

const pglite = new PGlite(opts.dataDir, { startParams: opts.startParams });
const { forAdapter, bulk } = gatedPglite(pglite);
const factory = new PrismaPGlite(forAdapter);
const adapters = new Map<number, SqlDriverAdapter>();
const transactions = new Map<number, Transaction>();
let nextTarget = 1;

function queryable(target: number): SqlQueryable {
  const q = adapters.get(target) ?? transactions.get(target);
  if (!q) throw new Error(`no open adapter or transaction ${target}`);
  return q;
}

function transaction(target: number): Transaction {
  const tx = transactions.get(target);
  if (!tx) throw new Error(`no open transaction ${target}`);
  transactions.delete(target);
  return tx;
}

async function handle(r: Request): Promise<unknown> {
  switch (r.op) {
    case "connect": {
      const adapter = await (r.shadow ? factory.connectToShadowDb() : factory.connect());
      adapters.set(nextTarget, adapter);
      return nextTarget++;
    }
    case "queryRaw":
      return queryable(r.target).queryRaw(r.query);
    case "executeRaw":
      return queryable(r.target).executeRaw(r.query);
    case "executeScript":
      // The adapter's own does not wait for the script (nor catch its error): a migration's next step could
      // start before it ended, and its failure would end this thread.
      queryable(r.target);
      await forAdapter.exec(r.script);
      return undefined;
    case "startTransaction": {
      const tx = await adapters.get(r.target)!.startTransaction(r.isolationLevel);
      transactions.set(nextTarget, tx);
      return { target: nextTarget++, options: tx.options };
    }
    case "commit":
      return transaction(r.target).commit();
    case "rollback":
      return transaction(r.target).rollback();
    case "dispose": {
      const adapter = adapters.get(r.target);
      adapters.delete(r.target);
      return adapter?.dispose();
    }
    case "bulk": {
      const { rows, affectedRows } = await bulk(r.sql, r.params);
      return { rows, affectedRows };
    }
    case "close":
      await pglite.close();
      return undefined;
  }
}

function asThreadError(e: unknown): ThreadError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const { name, message, stack } = e;
  return name === "DriverAdapterError" ? { name, message, stack, cause: e.cause } : { name, message, stack };
}

port.on("message", (m: ToThread) => {
  const { id, ...request } = m;
  handle(request).then(
    (value) => port.postMessage({ id, ok: true, value } satisfies FromThread),
    (e: unknown) => port.postMessage({ id, ok: false, error: asThreadError(e) } satisfies FromThread),
  );
});
