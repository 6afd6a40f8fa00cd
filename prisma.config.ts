import { defineConfig } from "prisma/config";

// Migrations are applied by lib/db/migrate.ts (WASM schema engine); the CLI only generates the client.
export default defineConfig({ schema: "prisma/schema.prisma", migrations: { path: "prisma/migrations" } });
