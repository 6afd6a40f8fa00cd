// `npm run worker`: scripts/worker.ts with the same memory settings as the app server (scripts/heap.mjs).
import { spawn } from "node:child_process";
import { parserEnv } from "./heap.mjs";

const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
  stdio: "inherit",
  env: parserEnv(),
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
