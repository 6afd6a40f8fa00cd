// Vitest global set-up: the worker threads' bundles (parse thread, PGlite) are built from the current sources first.
import { buildThreads } from "../../scripts/threads/build.mjs";

export default async function setup(): Promise<void> {
  await buildThreads();
}
