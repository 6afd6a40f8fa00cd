/**
 * Lab recordings (scripts/lab) whose capture was taken on a clock off the gateway's: each capture moved as
 * `editcap -F pcap -t SECONDS` moves it (shiftPcap writes the same bytes), by a time zone's hours, a few seconds, or
 * less than a second. The offset must be found from the data (log − capture = −SECONDS), the same 502s matched to the
 * same closes, and every target and the incident must get the verdict they get on one clock.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { shiftPcap } from "@/lib/testing/capture";
import { getIncidentView } from "@/lib/incidents/view";
import { getClockAlignment } from "@/lib/incidents/clock";
import { ClockAlignment } from "@/lib/api/clock-schema";
import { loadLabFixture } from "./lab-truth";

/** Races, hang-ups, both, four targets, TLS, a target's own 502s, dropped SYNs, and a recording already on two clocks. */
const RECORDINGS = [
  "mixed-four",
  "mixed-four-skew",
  "both",
  "random-7",
  "race-5s-rst",
  "premature-3",
  "tls-race-1s",
  "target-502",
  "blackhole",
];
/** Five hours behind, an hour ahead, and either side of the correlator's 1 s search tolerance. */
const SHIFTS_S = [-18_000, 3_600, 0.4, -0.95];

let t: TestEnv;
const ids = new Map<string, string>();
const key = (name: string, shift: number) => `${name} ${shift}`;

beforeAll(async () => {
  t = await openTestDb();
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-skew-"));
  for (const name of RECORDINGS) {
    for (const shift of [0, ...SHIFTS_S]) {
      const files = loadLabFixture(name).files.map((f) => {
        if (!f.endsWith(".pcap") || shift === 0) return f;
        const out = path.join(dir, `${name}${shift}.pcap`);
        writeFileSync(out, shiftPcap(new Uint8Array(readFileSync(f)), shift));
        return out;
      });
      ids.set(key(name, shift), await queueBundle(t, files));
    }
  }
  await parseQueued(t.handle.prisma, t.dataDir);
}, 900_000);
afterAll(async () => t?.cleanup());

async function outcome(name: string, shift: number) {
  const id = ids.get(key(name, shift))!;
  const view = (await getIncidentView(t.handle.prisma, id))!;
  const clock = ClockAlignment.parse(await getClockAlignment(t.handle.prisma, id));
  const { cause, confidence, explains502 } = view.diagnosis.verdict;
  return {
    incident: { cause, confidence, explains502 },
    targets: view.diagnosis.targets.map((v) => `${v.target}: ${v.cause} (${v.confidence})`).sort(),
    clock,
  };
}

describe.each(RECORDINGS)("%s with its capture on another clock", (name) => {
  it.each(SHIFTS_S)("shifted %s s: the offset found, the same matches and verdicts", async (shift) => {
    const base = await outcome(name, 0);
    const moved = await outcome(name, shift);
    expect(moved.incident).toEqual(base.incident);
    expect(moved.targets).toEqual(base.targets);
    expect(moved.clock.matched).toBe(base.clock.matched);
    // Only a recording whose failures meet closes has an offset to find (target-502, blackhole: none).
    if (base.clock.source === "none" && base.clock.matched < 3) return;
    expect(moved.clock.source).toBe("detected");
    const expected = base.clock.appliedOffsetMs - shift * 1000;
    expect(Math.abs(moved.clock.detectedOffsetMs! - expected)).toBeLessThanOrEqual(25);
  });
});
