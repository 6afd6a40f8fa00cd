// The real sample bundle beside the repository (../shared/samples), as every spec uploads it.
import { readdirSync } from "node:fs";
import path from "node:path";

export const SAMPLE_DIR = path.resolve(import.meta.dirname, "../../../shared/samples/acme-prod-502");
/** Absolute paths of the bundle's files (its README aside). */
export const SAMPLE_FILES = readdirSync(SAMPLE_DIR)
  .filter((f) => f !== "README.md")
  .map((f) => path.join(SAMPLE_DIR, f));
