import { readFile, stat } from "node:fs/promises";
import { parseGatewayConfig } from "@/lib/parsers/config";
import type { BlobStore } from "../blobs";
import { redactToStore } from "../redact-blob";
import type { ConfigResult, ParseFile } from "./protocol";

// YAML parses at well under 1 MB/s on hostile input; a real gateway config is a few KiB.
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Parse thread: redacts the config before anything of it is kept, then parses the redacted text. */
export async function parseConfig(store: BlobStore, file: ParseFile): Promise<ConfigResult> {
  // Redacted first (streaming), so an oversized one is not kept with its secrets either (the caller adopts the copy, then fails).
  const redacted = await redactToStore(store, file.sha256, { tag: file.id });
  const path = redacted.put.held ?? store.pathOf(redacted.put.sha256);
  if ((await stat(path)).size > MAX_CONFIG_BYTES)
    return {
      kind: "config",
      redacted,
      counts: {},
      error: `Config file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a gateway config is a few KiB. Not parsed.`,
    };
  const result = parseGatewayConfig(await readFile(path, "utf8"), { maxBytes: MAX_CONFIG_BYTES });
  if (!result.ok) {
    const first = result.errors[0];
    const error = `${first.line ? `line ${first.line}: ` : ""}${first.message}${result.errors.length > 1 ? ` (+${result.errors.length - 1} more)` : ""}`;
    return { kind: "config", redacted, counts: {}, error };
  }
  const c = result.config;
  return {
    kind: "config",
    redacted,
    counts: { org: c.org ?? "", env: c.env ?? "", config: c, warnings: result.warnings },
  };
}
