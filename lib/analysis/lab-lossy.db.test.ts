/**
 * Lab recordings as a capture whose tcpdump dropped packets (its buffer full on a busy host): 2 % and 5 % of the
 * frames removed at random, seeded (dropFrames: the bytes `editcap -F pcap IN OUT N…` writes for those frames).
 * Answers and requests the capture lost must not read as hang-ups: before the tracker noticed lost bytes, race-1s,
 * nginx-2s and mixed-four's racing targets came out `both` or `premature-close` at high with such captures.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { dropFrames } from "@/lib/testing/capture";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { loadLabFixture } from "./lab-truth";

const NAMES = ["race-1s", "race-5s-rst", "nginx-2s", "node-http-5s", "mixed-four", "random-15", "random-9", "both"];
const RATES = [2, 5];

/** A seeded stream of uniform numbers in [0, 1) (mulberry32), so each run drops the same frames. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestEnv;
const ids = new Map<string, string>();
beforeAll(async () => {
  t = await openTestDb();
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-lossy-"));
  for (const name of NAMES)
    for (const rate of RATES) {
      const files = loadLabFixture(name).files.map((f) => {
        if (!f.endsWith(".pcap")) return f;
        const next = uniform(rate * 1000 + name.length);
        const out = path.join(dir, `${name}-${rate}.pcap`);
        writeFileSync(
          out,
          dropFrames(new Uint8Array(readFileSync(f)), () => next() * 100 < rate),
        );
        return out;
      });
      ids.set(`${name} ${rate}`, await queueBundle(t, files));
    }
  await parseQueued(t.handle.prisma, t.dataDir);
}, 300_000);
afterAll(async () => t?.cleanup());

describe.each(NAMES)("lab recording %s with frames its capture lost", (name) => {
  const { truth } = loadLabFixture(name);
  it.each(RATES)(
    "with %i percent lost, gives no target a cause the truth contradicts unless at low confidence",
    async (rate) => {
      const view = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(`${name} ${rate}`)!));
      const wrongAndSure = view.diagnosis.targets
        .filter((v) => v.confidence !== "low" && v.cause !== "insufficient-data")
        .map((v) => ({ target: v.target, cause: v.cause, truth: truth.targets.find((x) => x.target === v.target) }))
        .filter(({ cause, truth: tt }) => !tt || !(tt.tiedCauses ?? [tt.expectedCause]).includes(cause));
      expect(wrongAndSure).toEqual([]);
      // Races are still found on the connections the capture kept whole.
      const racing = truth.targets.filter((x) => x.counts["keepalive-race"] > 0).map((x) => x.target);
      for (const target of racing) {
        const summary = view.targets.find((x) => x.target === target)!;
        expect(summary.connections.byClass["keepalive-race"], target).toBeGreaterThan(0);
      }
    },
  );
});

it("says, on each connection it cannot judge, that the capture lost the bytes that would tell", async () => {
  const lost = await t.handle.prisma.tcpConnection.count({
    where: { classCode: "unknown", classReason: { startsWith: "The capture lost bytes" } },
  });
  expect(lost).toBeGreaterThan(0);
});
