// The database thread: a worker_threads Worker that owns the app's PGlite instance, so its WebAssembly Postgres
// runs off the server's main thread (issue 18). Plain JavaScript, loaded as it is by Node under `next start`, tsx
// and vitest alike. The other side is lib/db/thread-pglite.ts, which serializes access (one statement or
// transaction at a time, as PGlite does in process); this side runs requests in the order they arrive.
//
// Requests: { id, op, ... } → { id, result } or { id, error }.
//   query  { sql, params, paramTypes? } → [raw answers]: the whole extended-protocol exchange of one statement
//          (parse, describe, bind with the parameters serialized here, execute, sync) in one round trip; the
//          caller parses the answers as PGlite's own query() would
//   exec   { sql }                       → [raw answer] of a simple query (one or more statements) and a sync
//   raw    { data: Uint8Array }          → the backend's answer to those wire-protocol messages (execProtocolRaw)
//   close  {}                            → closes PGlite; the thread then exits
import { parentPort, threadId, workerData } from "node:worker_threads";
import { PGlite, messages, protocol } from "@electric-sql/pglite";

const { serialize } = protocol;

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

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const raw = (parts) => pglite.execProtocolRaw(concat(parts), { syncToFs: false });

/** Answers of a statement, as BasePGlite's query() exchanges them, in two backend calls instead of six. */
async function runQuery(sql, params, paramTypes) {
  const described = await raw([serialize.parse({ text: sql, types: paramTypes }), serialize.describe({ type: "S" })]);
  let types = null;
  let failed = false;
  new protocol.Parser().parse(described, (msg) => {
    if (msg instanceof messages.DatabaseError) failed = true;
    else if (msg.name === "parameterDescription") types = msg.dataTypeIDs;
  });
  if (failed) return [described, await raw([serialize.sync()])];
  const values = params.map((v, i) => {
    if (v === null || v === undefined) return null;
    const serializer = pglite.serializers[types?.[i]];
    return serializer ? serializer(v) : v.toString();
  });
  const executed = await raw([
    serialize.bind({ values }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  return [described, executed];
}

async function handle(m) {
  switch (m.op) {
    case "query":
    case "exec": {
      const answers =
        m.op === "query"
          ? await runQuery(m.sql, m.params, m.paramTypes)
          : [await raw([serialize.query(m.sql)]), await raw([serialize.sync()])];
      // As PGlite does after a statement outside a transaction (a no-op on Node's file system).
      if (!pglite.isInTransaction()) await pglite.syncToFs();
      return { result: answers, transfer: answers.map((a) => a.buffer) };
    }
    case "raw": {
      const data = await pglite.execProtocolRaw(m.data, { syncToFs: false });
      return { result: data, transfer: [data.buffer] };
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
