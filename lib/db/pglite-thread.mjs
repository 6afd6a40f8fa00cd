// The database thread: a worker_threads Worker that owns the app's PGlite instance, so its WebAssembly Postgres
// runs off the server's main thread (issue 18). Plain JavaScript, loaded as it is by Node under `next start`, tsx
// and vitest alike. The other side is lib/db/thread-pglite.ts, which serializes access (one statement or
// transaction at a time, as PGlite does in process); this side runs requests in the order they arrive.
//
// Requests: { id, op, ... } → { id, result } or { id, error }.
//   raw    { data: Uint8Array }       → the backend's answer to those wire-protocol messages (execProtocolRaw)
//   query  { sql, params }            → { affectedRows } (bulk inserts: the parameters are serialized here too)
//   sync   {}                         → flushes the file system (a no-op on Node's)
//   close  {}                         → closes PGlite; the thread then exits
import { parentPort, threadId, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

if (!parentPort) throw new Error("lib/db/pglite-thread.mjs runs as a worker thread only");
const port = parentPort;

/** @type {{ dataDir?: string; startParams: string[] }} */
const { dataDir, startParams } = workerData;
const pglite = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, ...startParams] });

/** Errors cross the thread as plain objects; a database error keeps its fields (code, detail, …). */
function plainError(e) {
  if (!(e instanceof Error)) return { message: String(e) };
  return {
    ...e,
    message: e.message,
    name: e.name,
    stack: e.stack,
    databaseError: e instanceof Error && "severity" in e,
  };
}

async function handle(m) {
  switch (m.op) {
    case "raw": {
      const data = await pglite.execProtocolRaw(m.data, { syncToFs: false });
      return { result: data, transfer: [data.buffer] };
    }
    case "query": {
      const r = await pglite.query(m.sql, m.params);
      return { result: { affectedRows: r.affectedRows ?? 0 } };
    }
    case "sync":
      await pglite.syncToFs();
      return { result: null };
    case "close":
      await pglite.close();
      return { result: null };
    case "threadId":
      return { result: threadId };
    default:
      throw new Error(`unknown database thread request ${m.op}`);
  }
}

// One request at a time, in order (the main thread sends one at a time anyway).
let queue = pglite.waitReady.then(() => port.postMessage({ ready: true }));
queue.catch((e) => port.postMessage({ ready: false, error: plainError(e) }));

port.on("message", (m) => {
  queue = queue.then(
    () =>
      handle(m).then(
        ({ result, transfer }) => port.postMessage({ id: m.id, result }, transfer ?? []),
        (e) => port.postMessage({ id: m.id, error: plainError(e) }),
      ),
    (e) => port.postMessage({ id: m.id, error: plainError(e) }),
  );
});
