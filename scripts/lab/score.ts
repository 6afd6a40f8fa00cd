// Scores the diagnosis on every lab recording as the app would run it (upload, parse, view) and prints the
// Markdown table of docs/diagnosis.md: `npx tsx --conditions=react-server scripts/lab/score.ts`. lib/analysis/lab.db.test.ts asserts it.
// Options: `--dir DIR` scores the fixtures under DIR (e.g. blind random worlds recorded with record.mjs --out DIR), names
// after the options restrict it to those fixtures, `--detail` lists every connection whose class differs from the truth
// (truth's why, the classifier's reason), each target's verdict summary, and the summary of each partial bundle's
// wrong verdict. `--partial` also runs each recording as the partial bundles users send (log only, capture only, log
// cut to level error with and without its capture, the capture stopped or started at the middle failure) and lists
// every verdict there that names a cause the truth does not, at medium or high confidence (for a target the lab
// test's rule; for the incident, anything but the truth's main cause); with `--verdicts`, every verdict of those
// bundles (to compare before and after a change); `--log-cuts` adds the log cut at the middle failure (until it, or
// from it on, as a rotated log leaves it) beside the whole capture.
// `--classes` lists the classifier's classes per target with one reason each (for captures whose ports the truth does
// not know, e.g. a recording's target leg renamed as a capture taken on the target's host).
import { openTestDb } from "../../lib/testing/test-db";
import { parseQueued, queueBundle } from "../../lib/testing/worker";
import { getIncidentView } from "../../lib/incidents/view";
import { labFixtureNames, loadLabFixture, storedClassOf } from "../../lib/analysis/lab-truth";
import { cutCaptures, cutLogs, errorsOnly, PARTIAL } from "../../lib/testing/lab-variants";

const argv = process.argv.slice(2);
const dirAt = argv.indexOf("--dir");
const root = dirAt >= 0 ? argv[dirAt + 1] : undefined;
const detail = argv.includes("--detail");
const partial = argv.includes("--partial");
const classes = argv.includes("--classes");
const logCuts = argv.includes("--log-cuts");
const partialWrong: string[] = [];
const partialAll: string[] = [];
const only = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--dir");
const details: string[] = [];
const noLog: string[] = [];

const t = await openTestDb();
const rows: string[] = [
  "| recording | target | truth: cause, idle timeout | diagnosis: cause (confidence), idle timeout | connections as truth | incident: truth → diagnosis |",
  "|---|---|---|---|---|---|",
];
for (const name of labFixtureNames(root)) {
  if (only.length && !only.includes(name)) continue;
  const { files, truth } = loadLabFixture(name, root);
  // A gateway at level error writes no log until something fails: such a world scores nothing about its log.
  if (!truth.log.files.length) {
    noLog.push(name);
    continue;
  }
  const id = await queueBundle(t, files);
  await parseQueued(t.handle.prisma, t.dataDir);
  const view = (await getIncidentView(t.handle.prisma, id))!;
  const conns = await t.handle.prisma.tcpConnection.findMany({
    where: { incidentId: id },
    select: { gatewayPort: true, target: true, startTs: true, classCode: true, classReason: true },
  });
  const stored = storedClassOf(truth.connections, conns);
  if (classes) {
    const by = new Map<string, Map<string, string[]>>();
    for (const c of conns) {
      const m = by.get(c.target) ?? new Map<string, string[]>();
      m.set(c.classCode, [...(m.get(c.classCode) ?? []), c.classReason ?? ""]);
      by.set(c.target, m);
    }
    for (const v of view.diagnosis.targets)
      details.push(
        `- ${name} ${v.target} verdict ${v.cause} (${v.confidence}): ${v.evidence.map((e) => e.label).join(" | ")}`,
      );
    for (const [target, m] of by)
      for (const [cls, reasons] of m) details.push(`- ${name} ${target} ${cls} × ${reasons.length}: ${reasons[0]}`);
  }
  if (detail) {
    details.push(`\n## ${name}\n`);
    for (const v of view.diagnosis.targets)
      details.push(`- verdict ${v.target}: ${v.cause} (${v.confidence}): ${v.summary}`);
    details.push(
      `- incident: ${view.diagnosis.verdict.cause} (${view.diagnosis.verdict.confidence}): ${view.diagnosis.verdict.summary}`,
    );
    for (const c of truth.connections) {
      const got = stored.get(c);
      if (got === c.class) continue;
      const row = conns.find(
        (r) =>
          r.gatewayPort === c.gatewayPort &&
          r.target === c.target &&
          Math.abs(r.startTs.getTime() - c.synTimeUs / 1000) < 5,
      );
      details.push(
        `- ${c.target} port ${c.gatewayPort} @${c.synTimeUs}: truth ${c.class} (${c.why}; gap before request ${c.gapBeforeRequestMs ?? "-"} ms)` +
          ` / classifier ${got ?? "missing"}: ${row?.classReason ?? "-"}`,
      );
    }
  }
  if (partial) {
    const variants: [string, string[]][] = [
      ["log only", files.filter(PARTIAL.log)],
      ["capture only", files.filter(PARTIAL.capture)],
      ["level error", errorsOnly(name, files, t.dataDir)],
      ["level error, no capture", errorsOnly(name, files.filter(PARTIAL.log), t.dataDir)],
      ...(["before", "after"] as const).flatMap((side): [string, string[]][] => {
        const cut = files.some((f) => f.endsWith(".pcap")) ? cutCaptures(name, files, t.dataDir, side) : null;
        return cut ? [[`capture ${side} the middle failure`, cut]] : [];
      }),
      ...(logCuts ? (["before", "after"] as const) : []).flatMap((side): [string, string[]][] => {
        const cut = cutLogs(name, files, t.dataDir, side);
        return cut ? [[`log ${side} the middle failure`, cut]] : [];
      }),
    ];
    // The incident at medium or high names the truth's main cause: another cause the world has is wrong there too (blind
    // worlds random-909 and random-942 from their logs alone: refusals named at medium beside more races no log shows).
    const allowed = new Set([truth.expectedCause === "healthy" ? "no-502" : truth.expectedCause]);
    // The incident's `both` sums up races on one target and hang-ups on another.
    const closeKinds: string[] = ["keepalive-mismatch", "premature-close"];
    if (
      closeKinds.includes(truth.expectedCause) &&
      closeKinds.every((c) => (truth.expectedCauses as string[]).includes(c))
    )
      allowed.add("both");
    for (const [label, part] of variants) {
      const pid = await queueBundle(t, part);
      await parseQueued(t.handle.prisma, t.dataDir);
      const d = (await getIncidentView(t.handle.prisma, pid))!.diagnosis;
      const sure = (v: { cause: string; confidence: string }) =>
        v.confidence !== "low" && v.cause !== "insufficient-data";
      for (const v of [...d.targets, { target: "incident", ...d.verdict }])
        partialAll.push(`- ${name}, ${label}: ${v.target} ${v.cause} (${v.confidence})`);
      for (const v of d.targets.filter(sure)) {
        const tt = truth.targets.find((x) => x.target === v.target);
        if (!tt || !(tt.tiedCauses ?? [tt.expectedCause]).includes(v.cause))
          partialWrong.push(
            `- ${name}, ${label}: ${v.target} ${v.cause} (${v.confidence}), truth ${tt?.expectedCause ?? "no such target"}` +
              (detail ? `\n  ${v.summary}\n${v.evidence.map((x) => `  · ${x.label}`).join("\n")}` : ""),
          );
      }
      if (sure(d.verdict) && !allowed.has(d.verdict.cause))
        partialWrong.push(
          `- ${name}, ${label}: incident ${d.verdict.cause} (${d.verdict.confidence}), truth ${truth.expectedCause}` +
            (detail ? `\n  ${d.verdict.summary}` : ""),
        );
    }
  }
  for (const [i, tt] of truth.targets.entries()) {
    const v = view.diagnosis.targets.find((x) => x.target === tt.target);
    const mine = truth.connections.filter((c) => c.target === tt.target);
    const same = mine.filter((c) => stored.get(c) === c.class).length;
    const races = tt.counts["keepalive-race"];
    rows.push(
      `| ${i ? "" : name} | ${tt.target} | ${tt.tiedCauses ? tt.tiedCauses.join(" = ") : tt.expectedCause}${races ? `, ${tt.closesAfterResponseMs ? `closes ${tt.closesAfterResponseMs.join("–")} ms after each response` : `${tt.idleTimeoutMs} ms`} (${races} races)` : ""} | ${v ? `${v.cause} (${v.confidence})${v.idleTimeoutMs !== null ? `, ${v.idleTimeoutMs} ms` : ""}` : "—"} | ${same} of ${mine.length} | ${i ? "" : `${truth.expectedCause} → ${view.diagnosis.verdict.cause} (${view.diagnosis.verdict.confidence})`} |`,
    );
  }
}
console.log(rows.join("\n"));
if (noLog.length) console.log(`\nNot scored, the gateway wrote no log: ${noLog.join(", ")}`);
if (partial)
  console.log(`\nPartial bundles, wrong above low: ${partialWrong.length ? "\n" + partialWrong.join("\n") : "none"}`);
if (partial && argv.includes("--verdicts")) console.log(`\nPartial bundles, every verdict:\n${partialAll.join("\n")}`);
if (detail || classes) console.log(details.join("\n"));
await t.cleanup();
