import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { openIngested } from "@/lib/testing/worker";
import { blobStore } from "@/lib/ingest/bundle";
import { insertTransactions } from "@/lib/db/bulk";
import { parseCsv } from "./csv";
import { loadAnalysis, loadExamples } from "./load";
import { reportMarkdown } from "./markdown";
import { AnalysisExport, analysisJsonSchema, SCHEMA_VERSION } from "./schema";
import { TARGET_COLUMNS, TRANSACTION_COLUMNS, targetsCsv } from "./tables";
import { transactionPages, transactionsCsvStream } from "./transactions";
import { transactionCsvRow } from "./tables";

/*
 * Independent counts on the sample log (edgemicro-gw01-…-1-api.log):
 *   grep -c '\[targetRequest\]'                              → 25 requests to 127.0.0.1:28081
 *   grep -o '\]\[[0-9a-f-]\{36\}\]\[' | sort -u | wc -l      → 25 correlation ids (transactions)
 *   grep -n '\]\[502\]\['                                     → lines 10, 34, 88 (3 × 502, all ECONNRESET)
 *   grep -n 14a95568-eac9-4826-8972-95527389bce5 | cut -d: -f1 → 7 8 9 10 (the first 502's four lines)
 * Capture: 15 connections, 3 keep-alive races (lib/analysis/connections.db.test.ts).
 */
const LOG = readdirSync(SAMPLE_DIR).find((f) => f.endsWith(".log"))!;
const FIRST_502 = "14a95568-eac9-4826-8972-95527389bce5";
let t: TestEnv;
let incidentId: string;
let a: AnalysisExport;

beforeAll(async () => {
  let store;
  ({ t, incidentId, store } = await openIngested());
  const db = t.handle.prisma;
  await db.incident.update({ where: { id: incidentId }, data: { title: "ACME prod: 502s / socket hang up" } });
  a = (await loadAnalysis(db, store, incidentId, new Date("2026-11-24T12:00:00Z")))!;
});
afterAll(async () => t?.cleanup());

describe("analysis.json", () => {
  it("validates with the zod schema, also after a JSON round trip", () => {
    expect(AnalysisExport.safeParse(a).success).toBe(true);
    const back = AnalysisExport.parse(JSON.parse(JSON.stringify(a)));
    expect(back.schemaVersion).toBe(SCHEMA_VERSION);
    expect(back.incident.id).toBe(incidentId);
    expect(AnalysisExport.safeParse({ ...back, schemaVersion: 2 }).success).toBe(false);
  });

  it("holds the numbers of the database and of the sample files", async () => {
    const db = t.handle.prisma;
    expect(a.incident.summary.transactions).toBe(await db.logTransaction.count({ where: { incidentId } }));
    expect(a.incident.summary.transactions).toBe(25);
    expect(a.incident.summary.status502).toBe(3);
    expect(a.clock).toMatchObject({
      failures: 3,
      matched: 3,
      connections: 15,
      source: "none",
      overrideMs: null,
      detectedPairs: 3,
    });
    expect(Math.abs(a.clock.detectedOffsetMs!)).toBeLessThan(50);
    expect(a.incident.diagnosis.verdict).toMatchObject({ cause: "keepalive-mismatch", explains502: 3 });
    expect(a.examples).toHaveLength(3);
  });

  it("examples carry the transaction's log lines (redacted copy, client id masked) and the frames of the race", async () => {
    const ex = a.examples.find((e) => e.correlationId === FIRST_502)!;
    expect(ex.log.file).toBe(LOG);
    expect(ex.log.lineNo).toBe(7);
    expect(ex.log.lines.map((l) => l.lineNo)).toEqual([7, 8, 9, 10]);
    expect(ex.log.lines[3].text).toMatch(
      /^2026-11-23T19:33:57\.874Z \[error\].*\[GET\]\[502\]\[socket hang up\]\[ECONNRESET\]/,
    );
    expect(
      a.examples
        .flatMap((e) => e.log.lines)
        .every((l) => !l.text.includes("demo-client") && l.text.includes("[de*******nt]")),
    ).toBe(true);
    const conn = await t.handle.prisma.tcpConnection.findFirst({
      where: { incidentId, matchedCorrelationId: FIRST_502 },
    });
    expect(ex.connection).toMatchObject({
      id: String(conn!.id),
      class: "keepalive-race",
      closeFrame: conn!.closeFrame,
      firstFrame: conn!.firstFrame,
      captureFile: "gw01-to-target.pcap",
    });
    expect(ex.connection!.firstFrame).toBeGreaterThanOrEqual(1);
    expect(ex.connection!.closeFrame).toBeGreaterThan(ex.connection!.firstFrame);
    expect(a.examples.map((e) => e.url).sort()).toEqual([
      "emg_badtarget/items/18",
      "emg_badtarget/items/2",
      "emg_badtarget/items/7",
    ]);
  });

  it("the published JSON Schema describes every top-level field and keeps objects open", () => {
    const s = analysisJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] };
    expect(Object.keys(s.properties).sort()).toEqual(["clock", "examples", "generatedAt", "incident", "schemaVersion"]);
    expect(s.required).toEqual(expect.arrayContaining(["schemaVersion", "incident", "clock", "examples"]));
    expect(Object.values(s.properties).every((p) => typeof p.description === "string")).toBe(true);
    expect(JSON.stringify(s)).not.toContain('"additionalProperties":false');
  });
});

describe("examples of a log still parsing", () => {
  it("carry no log lines: the stored blob is the unredacted upload until the parse is done", async () => {
    const db = t.handle.prisma;
    const log = await db.bundleFile.findFirstOrThrow({ where: { incidentId, kind: "gateway-log" } });
    await db.bundleFile.update({ where: { id: log.id }, data: { status: "parsing" } });
    try {
      const examples = await loadExamples(db, blobStore(t.dataDir), incidentId);
      expect(examples.map((e) => e.correlationId)).toContain(FIRST_502);
      expect(examples.every((e) => e.log.lines.length === 0)).toBe(true);
    } finally {
      await db.bundleFile.update({ where: { id: log.id }, data: { status: "done" } });
    }
  });
});

describe("targets.csv", () => {
  it("parses back to one row per target with the logged rates and the target's verdict", () => {
    const rows = parseCsv(targetsCsv(a.incident));
    expect(rows[0]).toEqual([...TARGET_COLUMNS]);
    expect(rows).toHaveLength(2);
    const r = Object.fromEntries(TARGET_COLUMNS.map((c, i) => [c, rows[1][i]]));
    expect(r).toMatchObject({
      target: "127.0.0.1:28081",
      requests: "25",
      errors_502: "3",
      error_rate_502: "0.12",
      error_codes: "ECONNRESET=3",
      connections: "15",
      keepalive_races: "3",
      premature_closes: "0",
      explained_502: "3",
    });
    expect(Number(r.inferred_idle_timeout_ms)).toBeGreaterThan(1900);
    expect(r).toMatchObject({
      cause: "keepalive-mismatch",
      confidence: "high",
      failures_explained: "3",
      idle_timeout_ms: r.inferred_idle_timeout_ms,
      answers_used: "",
    });
    expect(r.fix).toMatch(/^Make 127\.0\.0\.1:28081 keep idle sockets open longer/);
  });
});

describe("transactions.csv", () => {
  const readAll = async (s: ReadableStream<Uint8Array>) => new Response(s).text();

  it("streams every transaction in time order; pages of 7 give the same rows", async () => {
    const text = await readAll(transactionsCsvStream(t.handle.prisma, incidentId));
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...TRANSACTION_COLUMNS]);
    const body = rows.slice(1);
    expect(body).toHaveLength(25);
    const col = (name: (typeof TRANSACTION_COLUMNS)[number]) => body.map((r) => r[TRANSACTION_COLUMNS.indexOf(name)]);
    expect(new Set(col("correlation_id")).size).toBe(25);
    expect(col("start")).toEqual([...col("start")].sort());
    const failed = body.filter((r) => r[TRANSACTION_COLUMNS.indexOf("status")] === "502");
    expect(failed.map((r) => r[TRANSACTION_COLUMNS.indexOf("line_no")])).toEqual(["7", "31", "85"]);
    expect(
      failed.every(
        (r) =>
          r[TRANSACTION_COLUMNS.indexOf("connection_class")] === "keepalive-race" &&
          r[TRANSACTION_COLUMNS.indexOf("err_code")] === "ECONNRESET",
      ),
    ).toBe(true);
    expect(col("target").every((x) => x === "127.0.0.1:28081")).toBe(true);

    let paged = "";
    let pages = 0;
    for await (const page of transactionPages(t.handle.prisma, incidentId, 7)) {
      pages++;
      paged += page.map(transactionCsvRow).join("");
    }
    expect(pages).toBe(4);
    expect(paged).toBe(text.slice(text.indexOf("\r\n") + 2));
  });

  it("quotes per RFC 4180 and neutralizes spreadsheet formulas in stored text", async () => {
    const db = t.handle.prisma;
    const other = await db.incident.create({ data: { id: "inc_csv", title: "csv" } });
    await db.bundleFile.create({
      data: {
        id: "f_csv",
        incidentId: other.id,
        name: "x.log",
        sha256: "0".repeat(64),
        size: 1n,
        kind: "gateway-log",
        status: "done",
      },
    });
    const base = {
      startTs: Date.parse("2026-11-23T00:00:00Z"),
      endTs: Date.parse("2026-11-23T00:00:01Z"),
      method: "GET",
      proxy: null,
      target: "t:1",
      status: 502,
      errCode: "ECONNRESET",
      durationMs: 3,
      byteOffset: 0,
      lineCount: 1,
    };
    await insertTransactions(db, other.id, "f_csv", [
      {
        ...base,
        correlationId: "c1",
        url: '=HYPERLINK("http://evil")',
        errMessage: 'said "no", then\nhung up',
        lineNo: 1,
      },
      { ...base, correlationId: "c2", url: "@SUM(A1)", errMessage: "-1+2", lineNo: 2 },
    ]);
    const rows = parseCsv(await readAll(transactionsCsvStream(db, other.id))).slice(1);
    const url = TRANSACTION_COLUMNS.indexOf("url");
    const msg = TRANSACTION_COLUMNS.indexOf("err_message");
    expect(rows.map((r) => [r[url], r[msg]])).toEqual([
      ['\'=HYPERLINK("http://evil")', 'said "no", then\nhung up'],
      ["'@SUM(A1)", "'-1+2"],
    ]);
  });
});

describe("report.md", () => {
  it("has the verdict, the evidence counts, the per-target table, examples with file:line and frames, and the fix", () => {
    const md = reportMarkdown(a, { origin: "http://localhost:3000" });
    expect(md).toContain("# 502 report: ACME prod: 502s / socket hang up");
    expect(md).toContain(
      "**Keep-alive race: target closes idle pooled sockets** (keepalive-mismatch, confidence high)",
    );
    expect(md).toContain("The evidence explains **3 of 3** failures (502 and 504).");
    expect(md).toMatch(
      /### 127\.0\.0\.1:28081 \(edgemicro_orders \/emg_badtarget\): Keep-alive race.*\n\nkeepalive-mismatch, confidence high, 3 failure\(s\) explained, target idle timeout ≈ 20\d\d ms/,
    );
    expect(md).toMatch(/\| 502 \/ ECONNRESET matched to a connection close \| 3 of 3 \|/);
    expect(md).toMatch(/\| Keep-alive races \(target closed an idle socket as it was reused\) \| 3 \|/);
    expect(md).toMatch(
      /\| 127\.0\.0\.1:28081 \| edgemicro_orders \/emg_badtarget \| 25 \| 3 \| 12\.0 % \| ECONNRESET 3 \|/,
    );
    expect(md).toContain(`\`${LOG}:10\``.replace(":10", ":7"));
    expect(md).toContain(`${LOG}:10  2026-11-23T19:33:57.874Z [error]`);
    const ex = a.examples.find((e) => e.correlationId === FIRST_502)!;
    expect(md).toContain(
      `frames ${ex.connection!.firstFrame}–${ex.connection!.lastFrame}, target FIN in frame ${ex.connection!.closeFrame}`,
    );
    expect(md).toMatch(
      /## Fix\n\n### 127\.0\.0\.1:28081: Make 127\.0\.0\.1:28081 keep idle sockets open longer.*\n\n```sh\n# On 127\.0\.0\.1:28081/,
    );
    expect(md).toContain("client → gateway) only");
    expect(md).toContain(`http://localhost:3000/incidents/${incidentId}`);
    expect(md).not.toContain("demo-client");
  });
});

describe("an incident with nothing parsed yet", () => {
  it("still exports: valid JSON, a report without examples, CSV headers only", async () => {
    const db = t.handle.prisma;
    await db.incident.create({ data: { id: "inc_empty", title: "Empty" } });
    const e = AnalysisExport.parse(await loadAnalysis(db, blobStore(t.dataDir), "inc_empty"));
    expect([e.examples, e.incident.targets, e.clock.failures, e.clock.detectedOffsetMs]).toEqual([[], [], 0, null]);
    const md = reportMarkdown(e);
    expect(md).toContain("_No 502 / ECONNRESET transaction in the logs._");
    expect(md).toContain("_No target in the logs or captures._");
    expect(parseCsv(targetsCsv(e.incident))).toEqual([[...TARGET_COLUMNS]]);
    expect(parseCsv(await new Response(transactionsCsvStream(db, "inc_empty")).text())).toEqual([
      [...TRANSACTION_COLUMNS],
    ]);
    expect(await loadAnalysis(db, blobStore(t.dataDir), "inc_nope")).toBeNull();
  });
});
