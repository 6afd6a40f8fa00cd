/**
 * The lab recordings (scripts/lab) as a customer's bundle often holds them: the whole log, but a capture started
 * late or stopped early. A capture speaks only for its own time, so the log's failures outside it must not be
 * taken as explained by what it shows: no cause the truth contradicts may come out with high confidence.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { readChunked, splitPcap } from "@/lib/testing/capture";
import { labFixtureNames, loadLabFixture } from "./lab-truth";
import { EDGE_SLACK_MS } from "./capture-window";
import { RANK } from "./diagnosis/candidate";

/** The capture cut in three by packet count (as `editcap -c`), one part kept. */
const THIRDS = { early: 0, middle: 1, late: 2 } as const;
type Third = keyof typeof THIRDS;

/** Recordings whose targets fail in more than one way: the incident's verdict weighs one cause against another. */
const MIXED = labFixtureNames().filter(
  (n) =>
    new Set(
      loadLabFixture(n)
        .truth.targets.map((x) => x.expectedCause)
        .filter((c) => c !== "healthy"),
    ).size > 1,
);

let t: TestEnv;
const ids = new Map<string, string>();
/** Per recording and third: its first and last packet (whole ms, as the log's times), read by the pcap reader. */
const windows = new Map<string, { first: number; last: number }>();
beforeAll(async () => {
  t = await openTestDb();
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-window-"));
  for (const name of labFixtureNames()) {
    for (const [third, i] of Object.entries(THIRDS)) {
      const files = loadLabFixture(name).files.map((f) => {
        if (!f.endsWith(".pcap")) return f;
        const data = new Uint8Array(readFileSync(f));
        const parts = splitPcap(data, Math.max(1, Math.ceil(readChunked(data, 1 << 20).packets.length / 3)));
        const part = parts[Math.min(i, parts.length - 1)];
        const ts = readChunked(part, 1 << 20).packets.map((p) => p.tsUs / 1000);
        windows.set(`${name}/${third}`, { first: Math.floor(Math.min(...ts)), last: Math.ceil(Math.max(...ts)) });
        const out = path.join(dir, `${name}-${third}.pcap`);
        writeFileSync(out, part);
        return out;
      });
      ids.set(`${name}/${third}`, await queueBundle(t, files));
    }
  }
  for (const name of MIXED) ids.set(`${name}/whole`, await queueBundle(t, loadLabFixture(name).files));
  await parseQueued(t.handle.prisma, t.dataDir);
}, 900_000);
afterAll(async () => t?.cleanup());

/**
 * The failed transactions of a log (a line of theirs carries status 502 or 504: the gateway's error line, or at level
 * info the target's own answer passed on), each from its first line's time (or its last's less the longest duration a
 * line of it gives, if earlier) to its last line's; at level trace error lines come twice.
 */
function failureSpans(logFile: string): Array<{ from: number; to: number }> {
  const spans = new Map<string, { first: number; last: number; duration: number }>();
  const failed = new Set<string>();
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const f = line.split("][");
    if (f.length < 14) continue;
    const id = f[8];
    const ts = Date.parse(line.slice(0, line.indexOf(" ")));
    const duration = Number(f[f.length - 1].replace(/\]$/, "")) || 0;
    const s = spans.get(id) ?? { first: ts, last: ts, duration: 0 };
    spans.set(id, { first: s.first, last: ts, duration: Math.max(s.duration, duration) });
    if (f[12] === "502" || f[12] === "504") failed.add(id);
  }
  return [...failed]
    .map((id) => spans.get(id)!)
    .map((s) => ({ from: Math.min(s.first, s.last - s.duration), to: s.last }));
}

describe.each(labFixtureNames())("lab recording %s, one third of its capture", (name) => {
  const { truth, files } = loadLabFixture(name);

  it.each(Object.keys(THIRDS) as Third[])(
    "%s: is never given a cause the truth contradicts with high confidence",
    async (third) => {
      const view = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(`${name}/${third}`)!));
      const d = view.diagnosis;
      const wrongAndSure = d.targets
        .filter((v) => v.confidence === "high")
        .map((v) => ({ target: v.target, cause: v.cause, truth: truth.targets.find((x) => x.target === v.target) }))
        .filter(({ cause, truth: tt }) => !tt || !(tt.tiedCauses ?? [tt.expectedCause]).some((c) => c === cause))
        .map((x) => ({ ...x, truth: x.truth?.expectedCause }));
      expect(wrongAndSure).toEqual([]);
      const incidentCauses = [truth.expectedCause, ...truth.expectedCauses].map((c) =>
        c === "healthy" ? "no-502" : c,
      );
      if (d.verdict.confidence === "high") expect(incidentCauses).toContain(d.verdict.cause);
      // Where log and capture share a clock, the failures the part did not record whole (from request to log line)
      // are counted from the log's lines: between a count with no slack at the edges and one with twice the view's
      // (the clock offset the view applies is estimated, to about a millisecond).
      if (truth.clockSkew) return;
      const w = windows.get(`${name}/${third}`)!;
      const spans = files.filter((f) => f.endsWith(".log")).flatMap(failureSpans);
      const outside = (slack: number) => spans.filter((s) => s.from < w.first - slack || s.to > w.last + slack).length;
      const counted = view.targets.reduce((n, r) => n + r.failuresOutsideCapture, 0);
      expect(counted).toBeLessThanOrEqual(outside(0));
      expect(counted).toBeGreaterThanOrEqual(outside(2 * EDGE_SLACK_MS));
    },
  );
});

describe.each(MIXED)("lab recording %s, a third of its capture against the whole bundle", (name) => {
  it("makes no verdict surer, the incident's or a target's: a cut capture explains fewer failures, it removes none", async () => {
    const verdictsOf = async (bundle: string) => {
      const d = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(`${name}/${bundle}`)!)).diagnosis;
      return [{ ...d.verdict, target: "incident" }, ...d.targets];
    };
    const whole = await verdictsOf("whole");
    for (const third of Object.keys(THIRDS))
      for (const v of await verdictsOf(third)) {
        const w = whole.find((x) => x.target === v.target);
        if (!w || v.cause !== w.cause) continue;
        expect(
          RANK[v.confidence],
          `${third}, ${v.target}: ${v.confidence}, the whole bundle ${w.confidence}`,
        ).toBeLessThanOrEqual(RANK[w.confidence]);
      }
  });
});
