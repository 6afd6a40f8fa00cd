/**
 * PUT /api/incidents/{id}/answers goes through saveAnswers (./answers.ts), which stores the verdict with the one
 * storeVerdict: an incident with no files keeps no verdict (null), whatever is answered, and the answer merges.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";
import { storeVerdict } from "@/lib/incidents/verdict";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers(),
}));

const ID = "inc_nofiles";
let t: RouteTestEnv;
beforeAll(async () => {
  t = await openRouteTestDb({ incidents: [{ id: ID, title: "no files yet" }] }); // no accounts: open mode
});
afterAll(async () => t?.cleanup());

const put = (body: unknown) => hit("api/incidents/[id]/answers", "PUT", { ip: "127.0.0.1", params: { id: ID }, body });
const stored = async () =>
  await t.handle.prisma.incident.findUniqueOrThrow({ where: { id: ID }, select: { verdict: true, answers: true } });

describe("answers of an incident with no files", () => {
  it("are merged and saved, and the stored verdict stays what storeVerdict decides: none", async () => {
    await t.handle.prisma.incident.update({ where: { id: ID }, data: { verdict: "keepalive-mismatch" } }); // stale
    const first = await put({ lbKeepAliveMs: 60_000, targetLogsChecked: "no" });
    expect(first.status).toBe(200);
    expect((await first.json()).diagnosis.answers).toEqual({ lbKeepAliveMs: 60_000, targetLogsChecked: "no" });
    expect(await stored()).toEqual({ verdict: null, answers: { lbKeepAliveMs: 60_000, targetLogsChecked: "no" } });

    const second = await put({ targetKeepAliveMs: 5_000, lbKeepAliveMs: null });
    expect(second.status).toBe(200);
    expect((await stored()).answers).toEqual({ targetKeepAliveMs: 5_000, targetLogsChecked: "no" });
    expect((await stored()).verdict).toBe(await storeVerdict(t.handle.prisma, ID));
    expect((await stored()).verdict).toBeNull();
  });

  it("are refused for an unknown incident, and for a key the flow does not ask", async () => {
    expect(
      (await hit("api/incidents/[id]/answers", "PUT", { ip: "127.0.0.1", params: { id: "inc_none" }, body: {} }))
        .status,
    ).toBe(404);
    expect((await put({ lbKeepAliveMs: 1, bogus: true })).status).toBe(422);
  });
});
