import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

/**
 * Applies prisma/migrations/* with Prisma's own schema engine compiled to WebAssembly
 * (the CLI's native engine would be downloaded, and this machine is offline).
 * Keeps the standard `_prisma_migrations` table, so `prisma migrate` tooling agrees with it.
 */
const require = createRequire(import.meta.url);

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  createMigration(input: unknown): Promise<{ generatedMigrationName: string | null; migrationScript?: string | null }>;
  free(): void;
};

async function loadEngineModule() {
  // Node 20 cannot `import` a .wasm file: instantiate it by hand and hand it to the bindings.
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const pkgDir = path.dirname(bgPath);
  const bg = await import(bgPath);
  const bytes = readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bg as { SchemaEngine: { new: (o: unknown, log: (s: string) => void, adapter: object) => Promise<Engine> } };
}

let engineModule: ReturnType<typeof loadEngineModule> | undefined;

export function projectRoot(): string {
  return process.env.APP_ROOT ?? process.cwd();
}

function migrationsList(root: string) {
  const baseDir = path.join(root, "prisma", "migrations");
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(baseDir, "migration_lock.toml");
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(path.join(baseDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (e: Engine, root: string) => Promise<T>,
): Promise<T> {
  engineModule ??= loadEngineModule();
  const mod = await engineModule;
  const root = projectRoot();
  const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
  const logs: string[] = [];
  const engine = await mod.SchemaEngine.new(
    { datamodels: [["schema.prisma", schema]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine, root);
  } finally {
    engine.free();
  }
}

const noFilters = { externalTables: [], externalEnums: [] };

export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  return withEngine(factory, async (engine, root) => {
    const out = await engine.applyMigrations({ migrationsList: migrationsList(root), filters: noFilters });
    return out.appliedMigrationNames;
  });
}

/** Development helper (scripts/migrate.ts): diff schema.prisma against the migrations and write a new one. */
export async function createMigration(factory: SqlMigrationAwareDriverAdapterFactory, name: string) {
  return withEngine(factory, async (engine, root) => {
    const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
    return engine.createMigration({
      draft: true,
      migrationName: name,
      migrationsList: migrationsList(root),
      schema: { files: [{ path: "schema.prisma", content: schema }] },
      filters: noFilters,
    });
  });
}

/** SQL that takes the database described by the migrations to schema.prisma (empty when they agree). */
export async function diffMigrationsToSchema(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fromEmpty: boolean,
): Promise<string> {
  return withEngine(factory, async (engine, root) => {
    const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
    const out = await (engine as unknown as { diff(p: unknown): Promise<{ stdout: string | null }> }).diff({
      from: fromEmpty ? { tag: "empty" } : { tag: "migrations", ...migrationsList(root) },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return out.stdout ?? "";
  });
}
