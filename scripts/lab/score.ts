// Scores the diagnosis on every lab recording as the app would run it (upload, parse, view) and prints the
// Markdown table of docs/diagnosis.md: `npx tsx --conditions=react-server scripts/lab/score.ts [name…]` (all by default). lib/analysis/lab.db.test.ts asserts it.
import { openTestDb } from "../../lib/testing/test-db";
import { storeFiles } from "../../lib/testing/samples";
import { parseQueued } from "../../lib/testing/worker";
import { blobStore, createIncident } from "../../lib/ingest/bundle";
import { getIncidentView } from "../../lib/incidents/view";
import { labFixtureNames, loadLabFixture, storedClassOf } from "../../lib/analysis/lab-truth";

const t = await openTestDb();
const store = blobStore(t.dataDir);
const rows: string[] = [
  "| recording | target | truth: cause, idle timeout | diagnosis: cause (confidence), idle timeout | connections as truth | incident: truth → diagnosis |",
  "|---|---|---|---|---|---|",
];
const only = process.argv.slice(2);
for (const name of labFixtureNames().filter((n) => !only.length || only.includes(n))) {
  const { files, truth } = loadLabFixture(name);
  const id = (await createIncident(t.handle.prisma, store, await storeFiles(store, files))).id;
  await parseQueued(t.handle.prisma, t.dataDir);
  const view = (await getIncidentView(t.handle.prisma, id))!;
  const conns = await t.handle.prisma.tcpConnection.findMany({
    where: { incidentId: id },
    select: { gatewayPort: true, target: true, startTs: true, classCode: true },
  });
  const stored = storedClassOf(truth.connections, conns);
  for (const [i, tt] of truth.targets.entries()) {
    const v = view.diagnosis.targets.find((x) => x.target === tt.target);
    const mine = truth.connections.filter((c) => c.target === tt.target);
    const same = mine.filter((c) => stored.get(c) === c.class).length;
    const races = tt.counts["keepalive-race"];
    rows.push(
      `| ${i ? "" : name} | ${tt.target} | ${tt.expectedCause}${races ? `, ${tt.idleTimeoutMs} ms (${races} races)` : ""} | ${v ? `${v.cause} (${v.confidence})${v.idleTimeoutMs !== null ? `, ${v.idleTimeoutMs} ms` : ""}` : "—"} | ${same} of ${mine.length} | ${i ? "" : `${truth.expectedCause} → ${view.diagnosis.verdict.cause} (${view.diagnosis.verdict.confidence})`} |`,
    );
  }
}
console.log(rows.join("\n"));
await t.cleanup();
