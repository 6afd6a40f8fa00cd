// `npm start`: build once if needed, apply migrations, then serve on http://localhost:3000.
// Open mode listens on localhost only (HOST may widen it once accounts exist).
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parserEnv } from "./heap.mjs";

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
// The collector customers download (GET /collector/emg-collect.mjs) is bundled from lib/collector on every start.
run("node", ["scripts/collector/build.mjs"]);
// Files are parsed in worker threads that load this bundle of lib/ingest/parse-thread (plain Node, no tsx).
run("node", ["scripts/parse-thread/build.mjs"]);
run(bin("tsx"), ["--conditions=react-server", "scripts/migrate.ts"]);
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "127.0.0.1";
// Open mode (no accounts) has no sign-in, so it must not be reachable from other machines.
// ADMIN_EMAIL + ADMIN_PASSWORD create the first admin here when no account exists.
const accounts = spawnSync(bin("tsx"), ["--conditions=react-server", "scripts/admin.ts", "bootstrap"], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
});
if (accounts.status !== 0) process.exit(accounts.status ?? 1);
const accountCount = Number(/accounts=(\d+)/.exec(accounts.stdout)?.[1] ?? "0");
const loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host);
if (!loopback && accountCount === 0) {
  console.error(
    `Refusing to listen on HOST=${host}: there are no accounts, and open mode (no sign-in) only listens on this machine.\n` +
      "Create the first admin, then start again:\n" +
      "  ADMIN_EMAIL=you@example.com ADMIN_PASSWORD='…' HOST=" +
      host +
      " npm start\n" +
      "  or: npm run admin -- create-admin you@example.com",
  );
  process.exit(1);
}
if (!loopback && !process.env.ALLOWED_HOSTS && !process.env.PUBLIC_ORIGIN && ["0.0.0.0", "::", "[::]"].includes(host)) {
  console.warn(
    "[start] HOST=" +
      host +
      " but neither ALLOWED_HOSTS nor PUBLIC_ORIGIN is set: only localhost host names are answered (421 otherwise). Set ALLOWED_HOSTS=your.host.name.",
  );
}
console.log(
  accountCount
    ? `[start] team mode: ${accountCount} account(s), sign-in required`
    : "[start] open mode: no accounts, localhost only",
);
// The server records each request's socket address and drops client-written X-Forwarded-* (unless TRUST_PROXY=1)
// before Next sees it (scripts/peer-address.mjs), and lets the upload routes read a body as Node received it
// (scripts/request-body.mjs).
function withPreloads(nodeOptions = "") {
  const preloads = ["scripts/peer-address.mjs", "scripts/request-body.mjs"];
  return [nodeOptions, ...preloads.map((p) => `--import=${pathToFileURL(p).href}`)].join(" ").trim();
}
// HOST goes to the server too: it never serves open mode on a non-loopback listener (lib/auth/access.ts).
const server = spawn(bin("next"), ["start", "-p", port, "-H", host], {
  stdio: "inherit",
  env: { ...parserEnv(), HOST: host, NODE_OPTIONS: withPreloads(parserEnv().NODE_OPTIONS) },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));
