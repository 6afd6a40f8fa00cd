import path from "node:path";
import { z } from "zod";

/** Configuration, read once and validated here; nothing else reads process.env. */
const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  PARSE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  RUN_WORKER: z.enum(["0", "1"]).default("1"),
});

export type AppEnv = z.infer<typeof EnvSchema> & { dataDir: string };

let cached: AppEnv | undefined;

export function env(): AppEnv {
  if (!cached) {
    const parsed = EnvSchema.parse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
    cached = { ...parsed, dataDir: path.resolve(parsed.DATA_DIR) };
  }
  return cached;
}
