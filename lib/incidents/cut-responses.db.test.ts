/**
 * Responses a target cut short, matched to the log's transactions: a cut by RST is a 502 the gateway logged, a cut by
 * FIN is no 502 (the status had gone on) and counts apart, CUT_NO_502, so that a cause's 502s are not inflated by
 * them (lib/analysis/diagnosis/targets.ts). Expected counts from the lab fixtures' logs and truth.json:
 *   grep -c '\[targetResponse error\]\[GET\]\[200\]\[aborted\]' *.log   → fin 5, rst 14
 *   grep -c '\]\[502\]\[' *.log                                        → fin 0, rst 14
 *   truth.json counts["target-reset-mid-response"]                      → fin 5, rst 14
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, type TestEnv } from "@/lib/testing/test-db";
import { parseQueued, queueBundle } from "@/lib/testing/worker";
import { getIncidentView } from "@/lib/incidents/view";
import { loadLabFixture } from "@/lib/analysis/lab-truth";
import { CUT_NO_502 } from "@/lib/api/connection-schema";

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

async function explained(name: string) {
  const id = await queueBundle(t, loadLabFixture(name).files);
  await parseQueued(t.handle.prisma, t.dataDir);
  const view = (await getIncidentView(t.handle.prisma, id))!;
  return { row: view.targets.find((r) => r.target === "127.0.0.2:9000")!, diagnosis: view.diagnosis };
}

describe("responses cut short, matched to the log", () => {
  it("cut by FIN: no 502, counted apart; the cause stands on them", async () => {
    const { row, diagnosis } = await explained("mid-response-fin");
    expect(row.explained502).toMatchObject({ [CUT_NO_502]: 5 });
    expect(row.explained502["target-reset-mid-response"]).toBeUndefined();
    expect(diagnosis.targets[0]).toMatchObject({ cause: "premature-close", confidence: "high", explains502: 5 });
  });

  it("cut by RST: each a 502", async () => {
    const { row } = await explained("mid-response-rst");
    expect(row.explained502).toMatchObject({ "target-reset-mid-response": 14 });
    expect(row.explained502[CUT_NO_502]).toBeUndefined();
  });
});
