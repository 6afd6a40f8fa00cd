/**
 * Lab recordings (scripts/lab) as a capture on several interfaces writes them: `tcpdump -i any` on a host where the
 * gateway reaches its target through a bridge (containers) sees each frame on the veth and on the bridge, microseconds
 * apart. duplicateFrames writes the bytes `editcap -t 0.000003` of a copy and `mergecap` of the two do. Each copy must
 * be left out: the same connections, classes, matches and verdicts as with each frame once, and the file says so.
 * Also as both sides of a source NAT see it (a container's address rewritten to the host's, the gateway's 127.0.0.1
 * as 127.0.1.1 in the copies): each connection twice on two 4-tuples, with the same sequence numbers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { duplicateFrames } from "@/lib/testing/capture";
import { getIncidentView } from "@/lib/incidents/view";
import { getClockAlignment } from "@/lib/incidents/clock";
import { ClockAlignment } from "@/lib/api/clock-schema";
import { readFileCounts } from "@/lib/api/file-counts";
import { loadLabFixture } from "./lab-truth";

/** Races, hang-ups, both, four targets, TLS, an answer cut by an RST. */
const RECORDINGS = ["mixed-four", "both", "race-5s-rst", "tls-race-1s", "mid-response-rst", "random-7"];
const VARIANTS = { once: null, twice: {}, nat: { nat: { from: "127.0.0.1", to: "127.0.1.1" } } } as const;
type Variant = keyof typeof VARIANTS;

let t: TestEnv;
const ids = new Map<string, string>();

beforeAll(async () => {
  t = await openTestDb();
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-copies-"));
  for (const name of RECORDINGS)
    for (const [variant, how] of Object.entries(VARIANTS)) {
      const files = loadLabFixture(name).files.map((f) => {
        if (!f.endsWith(".pcap") || !how) return f;
        const out = path.join(dir, `${name}-${variant}.pcap`);
        writeFileSync(out, duplicateFrames(new Uint8Array(readFileSync(f)), 3, "nat" in how ? how.nat : undefined));
        return out;
      });
      ids.set(`${name} ${variant}`, await queueBundle(t, files));
    }
  await parseQueued(t.handle.prisma, t.dataDir);
}, 600_000);
afterAll(async () => t?.cleanup());

async function outcome(name: string, variant: Variant) {
  const id = ids.get(`${name} ${variant}`)!;
  const db = t.handle.prisma;
  const view = (await getIncidentView(db, id))!;
  const { cause, confidence, explains502 } = view.diagnosis.verdict;
  const connections = await db.tcpConnection.findMany({
    where: { incidentId: id },
    orderBy: [{ gatewayPort: "asc" }, { startTs: "asc" }],
    select: { gatewayPort: true, classCode: true, packetsG2T: true, packetsT2G: true, retransmissions: true },
  });
  const capture = await db.bundleFile.findFirstOrThrow({ where: { incidentId: id, kind: "pcap" } });
  return {
    incident: { cause, confidence, explains502 },
    targets: view.diagnosis.targets.map((v) => `${v.target}: ${v.cause} (${v.confidence}) ${v.idleTimeoutMs}`).sort(),
    matched: ClockAlignment.parse(await getClockAlignment(db, id)).matched,
    connections,
    counts: readFileCounts(capture.counts),
  };
}

describe.each(RECORDINGS)("%s with every frame captured twice", (name) => {
  it.each(["twice", "nat"] as const)(
    "%s: reads as with each frame once, and says the copies were left out",
    async (variant) => {
      const once = await outcome(name, "once");
      const twice = await outcome(name, variant);
      expect(twice.incident).toEqual(once.incident);
      expect(twice.targets).toEqual(once.targets);
      expect(twice.matched).toBe(once.matched);
      expect(twice.connections).toEqual(once.connections);
      expect(once.counts.frameCopies).toBe(0);
      expect(twice.counts.frames).toBe(2 * once.counts.frames!);
      // Every TCP frame of a connection is a copy once (frames of no connection: none in these captures).
      expect(twice.counts.frameCopies).toBe(once.counts.tcpPackets);
      const warning = twice.counts.warnings?.find((w) => w.code === "frame-copies");
      expect(warning?.message).toContain(`${once.counts.tcpPackets} frames are copies`);
      expect(once.counts.warnings?.some((w) => w.code === "frame-copies")).toBe(false);
    },
  );
});
