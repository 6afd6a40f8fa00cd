// `npm run worker`: scripts/worker.ts under the same heap ceiling as the app server (scripts/heap.mjs).
import { spawn } from "node:child_process";
import { nodeOptionsWithHeap } from "./heap.mjs";

const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS: nodeOptionsWithHeap() },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
