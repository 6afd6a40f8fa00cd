// `npm run migrate`: applies prisma/migrations to the configured database (PGlite data dir or DATABASE_URL).
// `npm run migrate -- --create NAME`: writes prisma/migrations/<timestamp>_NAME/migration.sql with the SQL that
// takes the existing migrations to prisma/schema.prisma (Prisma's WASM schema engine computes the diff).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { openAppDb } from "../lib/db/client";
import { applyMigrations, diffMigrationsToSchema, projectRoot } from "../lib/db/migrate";

const createAt = process.argv.indexOf("--create");
if (createAt >= 0) {
  const name = (process.argv[createAt + 1] ?? "").replace(/[^a-z0-9_]/gi, "_");
  if (!name) throw new Error("usage: npm run migrate -- --create NAME");
  const scratch = new PGlite();
  const sql = await diffMigrationsToSchema(new PrismaPGlite(scratch) as never, false);
  await scratch.close();
  if (/^-- This is an empty migration/.test(sql)) {
    console.log("schema.prisma matches the migrations; nothing to create");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(projectRoot(), "prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    console.log(`wrote ${path.relative(projectRoot(), dir)}/migration.sql`);
  }
} else {
  const handle = openAppDb();
  try {
    const applied = await applyMigrations(handle.factory);
    console.log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema up to date");
  } finally {
    await handle.close();
  }
}
