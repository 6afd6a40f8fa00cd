import path from "node:path";
import { z } from "zod";

/** Configuration, read once and validated here; nothing else reads process.env. */
const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  PARSE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  RUN_WORKER: z.enum(["0", "1"]).default("1"),
  /** The address the server listens on (scripts/start.mjs passes it to `next start -H`). */
  HOST: z.string().default("127.0.0.1"),
  /** The origin browsers use, e.g. `https://emg.example.com`: links in exports and answers, and an allowed host. */
  PUBLIC_ORIGIN: z
    .string()
    .url()
    .transform((u) => new URL(u).origin)
    .optional(),
  /** Extra host names (comma-separated, `name` or `name:port`) the server answers for; `*` answers any. */
  ALLOWED_HOSTS: z.string().default(""),
  /** `1` behind a reverse proxy: then X-Forwarded-For/-Host/-Proto are believed (the proxy must set them). */
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
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

/** Tests change process.env between cases: read it again on the next call. */
export function forgetEnv() {
  cached = undefined;
}
