// Applies prisma/migrations to the configured database (PGlite data dir or DATABASE_URL).
import { openAppDb } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";

const handle = openAppDb();
try {
  const applied = await applyMigrations(handle.factory);
  console.log(applied.length ? `migrations applied: ${applied.join(", ")}` : "database schema up to date");
} finally {
  await handle.close();
}
