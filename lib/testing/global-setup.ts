// Vitest global set-up: the parse thread's bundle is built from the current sources before any test parses.
import { buildParseThread } from "../../scripts/parse-thread/build.mjs";

export default async function setup(): Promise<void> {
  await buildParseThread();
}
