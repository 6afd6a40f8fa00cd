import type { NextConfig } from "next";

const config: NextConfig = {
  // Loaded from node_modules at run time: WASM Postgres, the Prisma runtime and native-ish stream libraries.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "busboy",
    "yauzl",
    "tar-stream",
  ],
  poweredByHeader: false,
  // Lets parallel test runs of one checkout build side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default config;
