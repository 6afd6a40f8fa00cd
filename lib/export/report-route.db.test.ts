/**
 * report.md through its route: text from the bundle and from people (title, note, log fields, file names) is
 * literal Markdown (no HTML, no image that calls home when the ticket renders), and the dashboard link names this
 * server's configured or allowed origin.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forgetEnv } from "@/lib/env";
import { hit, openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers(),
}));

const EVIL = `<img src=x onerror=alert(1)>![t](https://tracker.example/p.png)[click](javascript:alert(1))`;
let t: RouteTestEnv;
beforeAll(async () => {
  t = await openRouteTestDb({
    incidents: [
      {
        id: "inc_md",
        title: `502s ${EVIL}`,
        note: `see <script>alert(1)</script>\n![x](https://tracker.example/n.png)`,
      },
    ],
  });
  const db = t.handle.prisma;
  await db.bundleFile.create({
    data: {
      id: "f_md",
      incidentId: "inc_md",
      name: `gw<b>1</b>.log`,
      sha256: "0".repeat(64),
      size: 1n,
      kind: "gateway-log",
      status: "done",
      // As the log task counts a worker's exit (lib/parsers/log/worker-restarts.ts).
      counts: {
        workerRestarts: [{ ts: 1_700_000_000_500, event: "exit", worker: "3", lineNo: 235 }],
        workerRestartCount: 2,
      },
    },
  });
  // Two processes of one host, one after the other (lib/incidents/worker-restarts.ts): the gateway started again.
  const uid = (c: string) => `${c.repeat(8)}-${c.repeat(4)}-${c.repeat(4)}-${c.repeat(4)}-${c.repeat(12)}`;
  for (const [id, c, firstTs, lastTs, start] of [
    ["f_p1", "a", 1_700_000_000_000, 1_700_000_010_000, null],
    ["f_p2", "b", 1_700_000_012_000, 1_700_000_020_000, { ts: 1_700_000_012_000, lineNo: 1 }],
  ] as const)
    await db.bundleFile.create({
      data: {
        ...{ id, incidentId: "inc_md", name: `edgemicro-gw1-${uid(c)}-1-api.log`, sha256: c.repeat(64), size: 1n },
        ...{
          kind: "gateway-log",
          status: "done",
          counts: { firstTs, lastTs, ...(start ? { gatewayStart: start } : {}) },
        },
      },
    });
  await db.logTransaction.create({
    data: {
      incidentId: "inc_md",
      fileId: "f_md",
      correlationId: "c1",
      startTs: new Date(1_700_000_000_000),
      endTs: new Date(1_700_000_000_100),
      method: "GET",
      url: `x${EVIL}`,
      proxy: "p",
      target: "t:80",
      status: 502,
      errCode: "ECONNRESET",
      errMessage: `<iframe src=//evil.example>`,
      durationMs: 100,
      lineNo: 1,
      byteOffset: 0n,
      lineCount: 1,
    },
  });
});
afterAll(async () => {
  delete process.env.PUBLIC_ORIGIN;
  forgetEnv();
  await t?.cleanup();
});

const report = async (headers: Record<string, string> = {}) => {
  const res = await hit("api/incidents/[id]/export/report.md", "GET", {
    ip: "127.0.0.1",
    params: { id: "inc_md" },
    url: "http://0.0.0.0:3000/api/incidents/inc_md/export/report.md",
    headers,
  });
  expect(res.status).toBe(200);
  return res.text();
};

describe("report.md", () => {
  it("escapes HTML, images and links from titles, notes, log fields and file names", async () => {
    const md = await report();
    expect(md).toContain(
      "# 502 report: 502s \\<img src=x onerror=alert(1)\\>!\\[t\\](https://tracker.example/p.png)\\[click\\](javascript:alert(1))",
    );
    expect(md).toContain("> see \\<script\\>alert(1)\\</script\\>\n> !\\[x\\](https://tracker.example/n.png)");
    // Outside code spans, fences and the report's own footer no tag start (`<` + letter, / ! ?) or `](` is left unescaped.
    const prose = md
      .replace(/```[\s\S]*?```/g, "")
      .replace(/`[^`]*`/g, "")
      .replace(/<sub>analysis\.json schemaVersion \d+<\/sub>/, "");
    expect(prose).not.toMatch(/(^|[^\\])<[A-Za-z/!?]/);
    expect(prose).not.toMatch(/(^|[^\\])\]\(/);
  });

  it("names the gateway workers that exited or started while serving in the evidence, with the first one's file and line", async () => {
    expect(await report()).toContain(
      "| Gateway workers exited or started while serving (a worker died, a reload or a stop) | 2 (first: worker 3 exited at 2023-11-14T22:13:20.500Z, gw\\<b\\>1\\</b\\>.log line 235) |",
    );
  });

  it("names the gateway started again as a new process, with its file and the last line of the process before", async () => {
    expect(await report()).toContain(
      `| Gateway started again as a new process (a new log file) | 1 (first: gw1 at 2023-11-14T22:13:32.000Z, edgemicro-gw1-${"b".repeat(8)}-bbbb-bbbb-bbbb-${"b".repeat(12)}-1-api.log line 1; the process before wrote its last line at 2023-11-14T22:13:30.000Z, edgemicro-gw1-${"a".repeat(8)}-aaaa-aaaa-aaaa-${"a".repeat(12)}-1-api.log) |`,
    );
  });

  it("links the dashboard on the host the request was allowed for, or PUBLIC_ORIGIN; never the bind address", async () => {
    expect(await report({ host: "localhost:3000" })).toContain("Dashboard: http://localhost:3000/incidents/inc_md");
    process.env.PUBLIC_ORIGIN = "https://emg.example.com";
    forgetEnv();
    const md = await report({ host: "localhost:3000" });
    expect(md).toContain("Dashboard: https://emg.example.com/incidents/inc_md");
    expect(md).not.toContain("0.0.0.0");
  });
});
