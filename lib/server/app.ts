import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { blobStore } from "@/lib/ingest/bundle";

/** The process-wide pieces route handlers and pages use. */
export function app() {
  const e = env();
  return { db: db(), store: blobStore(e.dataDir), env: e };
}
