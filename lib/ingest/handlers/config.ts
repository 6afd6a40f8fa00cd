import { readFile, stat } from "node:fs/promises";
import { parseGatewayConfig } from "@/lib/parsers/config";
import { redactStoredFile } from "../redact-blob";
import type { FileCounts, FileJobContext } from "./context";

// YAML parses at well under 1 MB/s on hostile input; a real gateway config is a few KiB.
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Redacts the config before anything of it is kept: the stored blob becomes the redacted text,
 * and the original bytes are removed unless another file still points at them.
 */
export async function parseConfigFile(ctx: FileJobContext): Promise<FileCounts> {
  const { db, store, file } = ctx;
  // Redacted first (streaming), so an oversized one is not kept with its secrets either.
  const { sha256, report } = await redactStoredFile(db, store, file);
  if ((await stat(store.pathOf(sha256))).size > MAX_CONFIG_BYTES) throw new Error(`Config file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a gateway config is a few KiB. Not parsed.`);
  const result = parseGatewayConfig(await readFile(store.pathOf(sha256), "utf8"), { maxBytes: MAX_CONFIG_BYTES });
  if (!result.ok) {
    const first = result.errors[0];
    throw new Error(`${first.line ? `line ${first.line}: ` : ""}${first.message}${result.errors.length > 1 ? ` (+${result.errors.length - 1} more)` : ""}`);
  }
  const c = result.config;
  return {
    org: c.org ?? "",
    env: c.env ?? "",
    config: c,
    warnings: result.warnings,
    redactions: report,
  };
}
