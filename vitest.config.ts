import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-noop.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
    // Parse jobs run in a worker thread from a bundle (scripts/parse-thread/build.mjs): built once, fresh, before the files run.
    globalSetup: ["lib/testing/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // DB tests on a PostgreSQL server share its public schema: one file at a time there.
    fileParallelism: !process.env.DATABASE_URL,
  },
});
