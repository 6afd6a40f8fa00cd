// `npm test`: every suite (unit + integration on the configured database, then Playwright in Chromium).
// Ends with one line `N passed, N failed` over both.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

mkdirSync("test-results", { recursive: true });
const db = process.env.DATABASE_URL ? "PostgreSQL" : "PGlite";
const run = (cmd, args, extraEnv = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

console.log(`\n== unit and integration tests (${db}) ==`);
rmSync("test-results/unit.json", { force: true });
const unitStatus = run("node_modules/.bin/vitest", [
  "run",
  "--reporter=default",
  "--reporter=json",
  "--outputFile.json=test-results/unit.json",
]);
const unit = readJson("test-results/unit.json");
let passed = unit?.numPassedTests ?? 0;
let failed = unit ? unit.numFailedTests + (unit.numFailedTestSuites ?? 0) : 1;
if (unitStatus !== 0 && failed === 0) failed = 1;

console.log(`\n== end-to-end tests in Chromium (${db}) ==`);
rmSync("test-results/e2e.json", { force: true });
// A fresh production build so the browser tests see this tree's code.
const e2eStatus = run("node_modules/.bin/playwright", ["test"], { FORCE_BUILD: "1" });
const e2e = readJson("test-results/e2e.json");
const stats = e2e?.stats;
passed += stats?.expected ?? 0;
let e2eFailed = (stats?.unexpected ?? 0) + (stats?.flaky ?? 0) + (e2e?.errors?.length ?? 0);
if (e2eStatus !== 0 && e2eFailed === 0) e2eFailed = 1;
failed += e2eFailed;

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
