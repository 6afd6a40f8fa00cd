/**
 * The diagnosis on incidents recorded from the real gateway (scripts/lab): each fixture is uploaded and
 * parsed as a user's bundle would be, and every connection's class, every target's idle timer and verdict,
 * and the incident's verdict are compared with the truth tshark computed from the recording's two legs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";
import { readChunked, snapCut, splitPcap } from "@/lib/testing/capture";
import { errorsOnly, PARTIAL } from "@/lib/testing/lab-variants";
import { labFixtureNames, loadLabFixture, storedClassOf } from "./lab-truth";

/**
 * Each recording also as a capture taken with `tcpdump -s 96` (old tcpdump's default): the payloads, HTTP heads
 * included, are cut (snapCut writes what `editcap -F pcap -s 96` does), so exchanges are read from packet timing.
 */
const SNAP = 96;
const VARIANTS = [
  { key: "", label: "" },
  { key: `@s${SNAP}`, label: ` (capture cut to ${SNAP} bytes)` },
];

let t: TestEnv;
const ids = new Map<string, string>();
/** `NAME PORT` for both ports of each connection the capture rotated into three files splits across a seam. */
const spanning = new Set<string>();
beforeAll(async () => {
  t = await openTestDb();
  const cutDir = mkdtempSync(path.join(os.tmpdir(), "lab-snap-"));
  for (const name of labFixtureNames()) {
    const files = loadLabFixture(name).files;
    ids.set(name, await queueBundle(t, files));
    const cut = files.map((f) => {
      if (!f.endsWith(".pcap")) return f;
      const out = path.join(cutDir, `${name}-${path.basename(f)}`);
      writeFileSync(out, snapCut(new Uint8Array(readFileSync(f)), SNAP));
      return out;
    });
    ids.set(`${name}@s${SNAP}`, await queueBundle(t, cut));
  }
  // Every recording without its capture (what the log and config alone can say), and without its log.
  for (const name of labFixtureNames()) {
    for (const [part, keep] of Object.entries(PARTIAL)) {
      const files = loadLabFixture(name).files.filter(keep);
      ids.set(`${name}/${part}`, await queueBundle(t, files));
    }
    const errors = errorsOnly(name, loadLabFixture(name).files, cutDir);
    ids.set(`${name}/errors`, await queueBundle(t, errors));
    // The capture as a rotating tcpdump (-C) would leave it in three files, each read on its own.
    const inThree = loadLabFixture(name).files.flatMap((f) => {
      if (!f.endsWith(".pcap")) return [f];
      const data = new Uint8Array(readFileSync(f));
      const { packets } = readChunked(data, 1 << 20);
      const perFile = Math.max(1, Math.ceil(packets.length / 3));
      // Connections whose packets land in more than one file, by the gateway's port: each file sees a part.
      const firstPart = new Map<string, number>();
      packets.forEach((p, i) => {
        const key = [`${p.src}:${p.srcPort}`, `${p.dst}:${p.dstPort}`].sort().join(" ");
        const part = Math.floor(i / perFile);
        if (!firstPart.has(key)) firstPart.set(key, part);
        else if (firstPart.get(key) !== part)
          for (const port of [p.srcPort, p.dstPort]) spanning.add(`${name} ${port}`);
      });
      return splitPcap(data, perFile).map((part, i) => {
        const out = path.join(cutDir, `${name}-third${i}.pcap`);
        writeFileSync(out, part);
        return out;
      });
    });
    ids.set(`${name}/rotated`, await queueBundle(t, inThree));
  }
  await parseQueued(t.handle.prisma, t.dataDir);
}, 600_000);
afterAll(async () => t?.cleanup());

describe.each(labFixtureNames())("lab recording %s", (name) => {
  const { truth } = loadLabFixture(name);

  it.each(VARIANTS)("classifies every connection as tshark's truth does$label", async ({ key }) => {
    const rows = await t.handle.prisma.tcpConnection.findMany({
      where: { incidentId: ids.get(name + key)! },
      select: { gatewayPort: true, target: true, startTs: true, classCode: true },
    });
    expect(rows).toHaveLength(truth.connections.length);
    const got = storedClassOf(truth.connections, rows);
    // With the heads cut, a response's length is unknown: one either side cut short reads as answered, then closed.
    const expected = (c: (typeof truth.connections)[number]) =>
      key && (c.class === "target-reset-mid-response" || c.midResponse) ? "normal" : c.class;
    const mismatches = truth.connections
      .map((c) => ({ key: `${c.gatewayPort} ${c.target} @${c.synTimeUs}`, truth: expected(c), got: got.get(c) }))
      .filter((m) => m.got !== m.truth);
    expect(mismatches).toEqual([]);
  });

  it.each(VARIANTS)(
    "gives each target the true cause, with its idle timeout within 10 % only where it races$label",
    async ({ key }) => {
      const view = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(name + key)!));
      for (const tt of truth.targets) {
        const v = view.diagnosis.targets.find((x) => x.target === tt.target);
        expect(v, tt.target).toBeDefined();
        // A target failing equally in several ways (tiedCauses) may be named by any of them.
        const causes = tt.tiedCauses ?? [tt.expectedCause];
        expect(causes, `${tt.target}: ${v!.cause}`).toContain(v!.cause);
        // The target's own 502s the log shows (targetResponse lines) are those tshark finds on the wire. The gateway
        // writes those lines at level info: below it the log shows none, and the verdict has them from the capture.
        const row = view.targets.find((x) => x.target === tt.target)!;
        const logsAnswers = !["error", "warn"].includes(truth.gateway.logLevel);
        if (tt.targetErrorResponses !== undefined)
          expect(row.targetAnswered502 + row.targetAnswered504, tt.target).toBe(
            logsAnswers ? tt.targetErrorResponses : 0,
          );
        if (tt.closesAfterResponseMs && tt.counts["keepalive-race"] > 0) {
          // No idle timer: the target closes each connection 0–30 ms after its response. The quiet before those closes
          // is what the capture shows (the gateway leg adds a few ms of jitter).
          const [lo, hi] = tt.closesAfterResponseMs;
          expect(v!.idleTimeoutMs, tt.target).not.toBeNull();
          expect(v!.idleTimeoutMs!, tt.target).toBeGreaterThanOrEqual(lo);
          expect(v!.idleTimeoutMs!, tt.target).toBeLessThanOrEqual(hi + 10);
        } else if (tt.counts["keepalive-race"] > 0 && ["keepalive-mismatch", "both"].includes(v!.cause)) {
          expect(v!.idleTimeoutMs, tt.target).not.toBeNull();
          expect(Math.abs(v!.idleTimeoutMs! - tt.idleTimeoutMs!) / tt.idleTimeoutMs!).toBeLessThan(0.1);
        } else {
          expect(v!.idleTimeoutMs, tt.target).toBeNull();
        }
      }
    },
  );

  it.each(Object.keys(PARTIAL))(
    "with only its %s and config, is never given a cause the truth contradicts unless at low confidence",
    async (part) => {
      // What a part cannot show (the log: which close; the capture: failures that never reach the wire) is said at
      // low confidence, or as insufficient-data: never a wrong cause at medium or high.
      const d = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(`${name}/${part}`)!)).diagnosis;
      const sure = (v: { cause: string; confidence: string }) =>
        v.confidence !== "low" && v.cause !== "insufficient-data";
      const wrongAndSure = d.targets
        .filter(sure)
        .map((v) => ({ target: v.target, cause: v.cause, truth: truth.targets.find((x) => x.target === v.target) }))
        .filter(({ cause, truth: tt }) => !tt || !(tt.tiedCauses ?? [tt.expectedCause]).some((c) => c === cause));
      expect(wrongAndSure).toEqual([]);
      const incidentCauses = [truth.expectedCause, ...truth.expectedCauses].map((c) =>
        c === "healthy" ? "no-502" : c,
      );
      if (sure(d.verdict)) expect(incidentCauses).toContain(d.verdict.cause);
    },
  );

  it.each([
    { variant: "errors", label: "its log cut to level error" },
    { variant: "rotated", label: "its capture rotated into three files" },
  ])("with $label, gives each target and the incident a cause the truth names", async ({ variant }) => {
    const d = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(`${name}/${variant}`)!)).diagnosis;
    // A log of errors only cannot show a client's abort; only the gateway's close of that connection does. A capture
    // rotated into files splits the connections that span a seam, and their closes with them: those 502s are then
    // resets nothing explains, and saying so (insufficient-data, low) is what such a bundle allows.
    // So does one whose failing connections live longer than a file (race-60s: a 60 s timer in 100 s files).
    const split = (tt?: (typeof truth.targets)[number]) =>
      truth.connections.some(
        (c) => c.target === tt?.target && c.class !== "normal" && spanning.has(`${name} ${c.gatewayPort}`),
      );
    const unsure = (v: { cause: string; confidence: string }, tt?: (typeof truth.targets)[number]) =>
      variant === "rotated" &&
      ((truth.gateway.logLevel === "error" && (tt?.clientAborts?.gatewayClosed ?? 0) > 0) || split(tt)) &&
      v.cause === "insufficient-data" &&
      v.confidence === "low";
    const wrong = d.targets
      .map((v) => ({ v, target: v.target, cause: v.cause, truth: truth.targets.find((x) => x.target === v.target) }))
      .filter(({ cause, truth: tt }) => !tt || !(tt.tiedCauses ?? [tt.expectedCause]).some((c) => c === cause))
      .filter(({ v, truth: tt }) => !unsure(v, tt))
      .map(({ v: _v, ...rest }) => rest);
    expect(wrong).toEqual([]);
    const incidentCauses = [truth.expectedCause, ...truth.expectedCauses].map((c) => (c === "healthy" ? "no-502" : c));
    if (
      !unsure(
        d.verdict,
        truth.targets.find((x) => (x.clientAborts?.gatewayClosed ?? 0) > 0 || split(x)),
      )
    )
      expect(incidentCauses).toContain(d.verdict.cause);
  });

  it("gives the incident the true verdict and explains its failures", async () => {
    const view = IncidentView.parse(await getIncidentView(t.handle.prisma, ids.get(name)!));
    const d = view.diagnosis;
    // Failed transactions, each once (at level trace the gateway writes its error line twice).
    expect([view.summary.status502, view.summary.status504]).toEqual([truth.log.status502, truth.log.status504]);
    expect(d.verdict.cause).toBe(truth.expectedCause === "healthy" ? "no-502" : truth.expectedCause);
    // Clock skew included: the failures the wire shows are matched to their connections. A connection the gateway
    // closed because its client left is no failure of the target: its 502 is not explained by a cause.
    const failing =
      truth.counts["keepalive-race"] +
      truth.counts["premature-close"] +
      truth.counts["gateway-close"] -
      truth.connections.filter((c) => c.gatewayCloseCause === "client-abort").length +
      truth.counts.refused +
      truth.counts["syn-unanswered"];
    expect(d.verdict.explains502).toBeGreaterThanOrEqual(
      Math.min(failing, truth.log.status502 + truth.log.status504 - (truth.log.status502ClientAborts ?? 0)) -
        truth.log.status502WithoutWireFailure,
    );
  });
});
