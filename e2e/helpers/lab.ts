// Bundles made of the real lab recordings (lib/analysis/__fixtures__/lab) for the incident page specs.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const LAB = path.resolve(import.meta.dirname, "../../lib/analysis/__fixtures__/lab");
export const labFiles = (name: string) =>
  readdirSync(path.join(LAB, name))
    .filter((f) => /\.(log|pcap|yaml)$/.test(f))
    .map((f) => path.join(LAB, name, f));
export const tmp = (name: string) => path.join(os.tmpdir(), `verdict-page-${process.pid}-${name}`);
export const RACER = "127.0.0.2:9000";
export const HANGER = "127.0.0.3:9000";
// No lab recording has a healthy target at another address: the healthy recording's log, its target renamed
// (text only; its capture is left out), is the third target.
export const HEALTHY = "127.0.0.9:9000";

/** two-hosts-one-port (a racing and a premature-closing target) plus a healthy target's log. */
export function threeTargetBundle(): string[] {
  const healthyLog = labFiles("healthy").find((f) => f.endsWith(".log"))!;
  const renamed = tmp("healthy-renamed-1-api.log");
  writeFileSync(renamed, readFileSync(healthyLog, "utf8").replaceAll(RACER, HEALTHY));
  return [...labFiles("two-hosts-one-port"), renamed];
}
