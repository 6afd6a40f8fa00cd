// `npm start`: build once if needed, apply migrations, then serve on http://localhost:3000.
// Open mode listens on localhost only (HOST may widen it once accounts exist).
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const bin = (name) => `node_modules/.bin/${name}`;

const distDir = process.env.NEXT_DIST_DIR || ".next";
if (!existsSync(`${distDir}/BUILD_ID`) || process.env.FORCE_BUILD === "1") {
  // `next build` adds a custom distDir's type paths to tsconfig.json; keep the checked-in file as it is.
  const tsconfig = readFileSync("tsconfig.json", "utf8");
  run(bin("next"), ["build"]);
  if (readFileSync("tsconfig.json", "utf8") !== tsconfig) writeFileSync("tsconfig.json", tsconfig);
}
run(bin("tsx"), ["scripts/migrate.ts"]);
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "127.0.0.1";
const server = spawn(bin("next"), ["start", "-p", port, "-H", host], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));
