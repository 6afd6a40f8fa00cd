import { readdirSync } from "node:fs";
import { openTestDb } from "../lib/testing/test-db";
import { ingestBundle } from "../lib/testing/worker";
import { getIncidentView } from "../lib/incidents/view";
const t = await openTestDb();
for (const dir of process.argv.slice(2)) {
  const files = readdirSync(dir).map((f) => `${dir}/${f}`);
  const { incidentId } = await ingestBundle(t, files);
  const v = (await getIncidentView(t.handle.prisma, incidentId))!;
  const d = v.diagnosis;
  console.log(`== ${dir}: ${d.verdict.cause} (${d.verdict.confidence}) explains ${d.verdict.explains502}`);
  for (const x of d.targets) console.log(`   ${x.target} ${x.cause} ${x.confidence} ${x.explains502} idle=${x.idleTimeoutMs} :: ${x.summary.slice(0, 250)}`);
  for (const x of v.targets) console.log(`   conns ${x.target} ${JSON.stringify(x.connections.byClass)}`);
}
await t.cleanup();
