import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";
import { ADMIN, OPEN_PORT, TEAM_PORT, teamDatabaseUrl } from "./e2e/team-server";

const PORT = OPEN_PORT;
// Each run gets its own data directory; on PostgreSQL the server's own DATABASE_URL is used.
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `emg-e2e-${process.pid}-${Date.now()}`);
// Workers load this file again: they inherit the same directory (e2e/collector.spec.ts greps the team server's blobs).
process.env.E2E_DATA_DIR = dataDir;
const teamDb = teamDatabaseUrl(process.env.DATABASE_URL);

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: process.env.CI
    ? [["list"], ["json", { outputFile: "test-results/e2e.json" }]]
    : [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    trace: "retain-on-failure",
  },
  // Web servers start one after the other: the team server reuses the open server's build.
  webServer: [
    {
      command: "node scripts/start.mjs",
      url: `http://127.0.0.1:${PORT}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: { PORT: String(PORT), DATA_DIR: dataDir },
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // Team mode: the first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD at start.
      command: teamDb ? "node scripts/ensure-db.mjs && node scripts/start.mjs" : "node scripts/start.mjs",
      url: `http://127.0.0.1:${TEAM_PORT}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: {
        PORT: String(TEAM_PORT),
        DATA_DIR: `${dataDir}-team`,
        FORCE_BUILD: "0",
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ...(teamDb ? { DATABASE_URL: teamDb } : {}),
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
