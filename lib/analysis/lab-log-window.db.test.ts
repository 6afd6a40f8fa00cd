/**
 * Lab recordings with their whole capture but a log cut at the middle failure (`cutLogs`: a log rotated away, or one
 * copied while tcpdump ran on). The capture's failing connections outside the log's time are counted per target and
 * class, and weigh against a verdict that does not stand for them. The expected counts come from the whole log: each
 * of those failures has a `targetRequest error` line there (`grep -F '[TARGET]' LOG | grep -F '[targetRequest error]'`),
 * outside the cut log's first to last line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { cutLogs } from "@/lib/testing/lab-variants";
import { readFileCounts } from "@/lib/api/file-counts";
import { loadLabFixture } from "./lab-truth";
import { trafficOutsideLog } from "@/lib/incidents/target-connections";

const CUTS = [
  { name: "both", side: "before" },
  { name: "random-47", side: "after" },
] as const;

let t: TestEnv;
const ids = new Map<string, string>();
const cutFiles = new Map<string, string[]>();
beforeAll(async () => {
  t = await openTestDb();
  for (const { name, side } of CUTS) {
    const files = cutLogs(name, loadLabFixture(name).files, t.dataDir, side)!;
    cutFiles.set(name, files);
    ids.set(name, await queueBundle(t, files));
  }
  // target-502 (level info, its target answering 502 itself 8 times) with the log cut before its fifth such answer.
  const files = loadLabFixture("target-502").files.map((f) => {
    if (!f.endsWith(".log")) return f;
    const lines = readFileSync(f, "utf8").split("\n");
    const at = lineTimes([f], OWN_502)[4] - 5;
    const out = path.join(t.dataDir, `target-502-cut-${path.basename(f)}`);
    writeFileSync(out, lines.filter((l) => Date.parse(l.slice(0, l.indexOf(" "))) < at).join("\n") + "\n");
    return out;
  });
  cutFiles.set("target-502", files);
  ids.set("target-502", await queueBundle(t, files));
  const whole = loadLabFixture("random-41").files;
  ids.set("random-41", await queueBundle(t, whole));
  await parseQueued(t.handle.prisma, t.dataDir);
}, 120_000);
afterAll(async () => t?.cleanup());

const lineTimes = (files: string[], keep: (line: string) => boolean) =>
  files
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) => readFileSync(f, "utf8").split("\n"))
    .filter((l) => /^\d{4}-\d\d-\d\dT/.test(l) && keep(l))
    .map((l) => Date.parse(l.slice(0, l.indexOf(" "))));

/** A target's own 502 passed on: its targetResponse line (grep -c '\[targetResponse\]\[GET\]\[502\]' → 8 in target-502). */
const OWN_502 = (l: string) => l.includes("[targetResponse][GET][502]");

/** The whole log's lines `keep` accepts that lie outside the cut log's time (250 ms past its edges allowed). */
function outsideCut(name: string, keep: (line: string) => boolean) {
  const span = lineTimes(cutFiles.get(name)!, () => true);
  const [first, last] = [Math.min(...span), Math.max(...span)];
  return lineTimes(loadLabFixture(name).files, keep).filter((ts) => ts < first - 250 || ts > last + 250).length;
}
const failuresOutsideCut = (name: string, target: string) =>
  outsideCut(name, (l) => l.includes(`[${target}]`) && l.includes("[targetRequest error]"));

const viewOf = async (name: string) => IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(name)!));

describe("a capture that runs on past its log", () => {
  it("counts the failing connections outside the log's time, by class", async () => {
    // `both`: 127.0.0.2:9000 races and hangs up (truth: 3 races, 9 premature closes); the log cut before its middle one.
    const row = (await viewOf("both")).targets.find((x) => x.target === "127.0.0.2:9000")!;
    const expected = failuresOutsideCut("both", "127.0.0.2:9000");
    expect(expected).toBeGreaterThan(2);
    expect(Object.values(row.outsideLog).reduce((a, b) => a + b, 0)).toBe(expected);
    expect(Object.keys(row.outsideLog).every((k) => ["keepalive-race", "premature-close"].includes(k))).toBe(true);
    // Closes of the cause's own kind: the verdict stands as in the whole bundle.
    const v = (await viewOf("both")).diagnosis.targets.find((x) => x.target === "127.0.0.2:9000")!;
    expect(v.cause).toBe("both");
  });

  it("measures the traffic the capture shows outside the log's time against the traffic within it", async () => {
    // `both`, its log cut before the middle failure (lines from 1796121939.992 to 1796121969.424): of the capture's 38
    // connections (tshark -r capture.pcap -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e frame.time_epoch),
    // 17 open more than 250 ms after its last line, none before its first, 21 within (the nearest 37 ms from the edge).
    // It is read only where the log has failed lookups: here it has none.
    expect((await viewOf("both")).summary.captureOutsideLogShare).toBeNull();
    const files = await t.handle.prisma.bundleFile.findMany({
      where: { incidentId: ids.get("both")!, kind: "pcap" },
      select: { id: true },
    });
    const span = lineTimes(cutFiles.get("both")!, () => true);
    const share = await trafficOutsideLog(
      t.handle.prisma,
      ids.get("both")!,
      files.map((f) => f.id),
      [{ start: Math.min(...span), end: Math.max(...span) }],
    );
    expect(share).toBeCloseTo(17 / 21, 6);
  });

  it("leaves a target whose failures all lie outside the log healthy only at low, and says so", async () => {
    // random-47 at level error, the log from its middle failure on: 127.0.0.8:8080's clients gave up (25 gateway closes
    // of a pending request in all); those after the cut have their 502 lines, those before do not. Before, it read
    // healthy at medium, the truth gateway-timeout.
    const view = await viewOf("random-47");
    const expected = failuresOutsideCut("random-47", "127.0.0.8:8080");
    expect(view.targets.find((x) => x.target === "127.0.0.8:8080")!.outsideLog).toEqual({ "gateway-close": expected });
    const v = view.diagnosis.targets.find((x) => x.target === "127.0.0.8:8080")!;
    expect(v).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(v.evidence.map((e) => e.label)).toContain(
      `${expected} failure(s) in the capture lie outside the log's time (${expected} gateway-close): no log line names them; the log of that time tells what each was`,
    );
  });

  it("counts the target's own 502s there, which stand for its own verdict", async () => {
    const view = await viewOf("target-502");
    const expected = outsideCut("target-502", OWN_502);
    // The sixth to eighth: the fifth lies 5 ms past the cut log's last line, within the 250 ms allowed.
    expect(expected).toBe(3);
    expect(view.targets.find((x) => x.target === "127.0.0.2:9000")!.outsideLog).toEqual({ "target-502": expected });
    // The capture keeps when each was sent (tshark -r capture.pcap -Y 'http.response.code == 502' → 8 frames), and
    // the view reads them without handing them to pages.
    const capture = await t.handle.prisma.bundleFile.findFirstOrThrow({
      where: { incidentId: ids.get("target-502")!, kind: "pcap" },
    });
    expect(readFileCounts(capture.counts).targetProfiles?.[0].ownErrorTimesMs?.["502"]).toHaveLength(8);
    expect(JSON.stringify(view)).not.toContain("ownErrorTimesMs");
    const v = view.diagnosis.targets.find((x) => x.target === "127.0.0.2:9000")!;
    expect(v).toMatchObject({ cause: "target-error", confidence: "high" });
    expect(v.evidence.map((e) => e.label)).toContain(
      `${expected} failure(s) in the capture lie outside the log's time (${expected} × 502 answered by the target): no log line names them; the log of that time tells what each was`,
    );
  });

  it("below level info, leaves the target's own answers near the log's first line within its time", async () => {
    // random-41 at level error (stats_log_interval 10): 127.0.0.3:9000 answered 504 itself at 03:36:58.936Z and
    // 03:36:59.093Z (tshark -r capture.pcap -Y 'http.response.code == 504' -T fields -e frame.time_epoch), before the
    // log's first line at 03:36:59.388Z, which is its first error: such answers have no line, and the stats lines say
    // the gateway was counting them (5=2 in the first, at 03:37:06.597Z).
    const first = lineTimes(loadLabFixture("random-41").files, () => true)[0];
    expect(first).toBe(Date.parse("2026-12-02T03:36:59.388Z"));
    const row = (await viewOf("random-41")).targets.find((x) => x.target === "127.0.0.3:9000")!;
    expect(row.outsideLog).toEqual({});
  });
});
