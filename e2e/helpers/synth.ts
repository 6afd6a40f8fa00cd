// A large gateway log made of the sample's own lines: copy k gets its own correlation ids.
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { SAMPLE_DIR, sampleFiles } from "./server";

export async function writeBigLog(file: string, copies: number): Promise<{ lines: number; bytes: number }> {
  const sample = readFileSync(
    path.join(
      SAMPLE_DIR,
      sampleFiles().find((f) => f.endsWith(".log"))!,
    ),
    "utf8",
  );
  const out = createWriteStream(file);
  let lines = 0;
  let bytes = 0;
  for (let k = 0; k < copies; k++) {
    const prefix = k.toString(16).padStart(8, "0");
    const text = sample.replace(
      /\]\[[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\]\[/g,
      `][${prefix}$1][`,
    );
    lines += text.split("\n").length - 1;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { lines, bytes };
}
