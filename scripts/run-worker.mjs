// `npm run worker`: scripts/worker.ts with the same memory settings as the app server (scripts/heap.mjs).
import { spawn } from "node:child_process";
import { parserEnv } from "./heap.mjs";
import { buildParseThread } from "./parse-thread/build.mjs";

// The jobs' parse threads load this bundle (lib/ingest/parse-thread/bundle.ts would also build it on first use).
await buildParseThread();
const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
  stdio: "inherit",
  env: parserEnv(),
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
