import path from "node:path";

/** The real bundle in ../shared/samples (beside the repository, in development and in CI). */
export const SAMPLE_DIR = path.resolve(import.meta.dirname, "../../../shared/samples/acme-prod-502");
