import { readdirSync, readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { AnalysisExport } from "../lib/export/schema";
import { parseCsv } from "../lib/export/csv";
import { SAMPLE_DIR, SAMPLE_FILES } from "./helpers/samples";

const LOG = readdirSync(SAMPLE_DIR).find((f) => f.endsWith(".log"))!;
/*
 * Expected numbers (see lib/export/export.db.test.ts): grep -c '\[targetRequest\]' → 25 requests, grep -n '\]\[502\]\['
 * → lines 10, 34, 88 (3 × 502 / ECONNRESET), all three explained by keep-alive races in the capture.
 */

async function upload(page: Page, files: string[]): Promise<string> {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(files.length);
  // The clock panel and the export menu are rendered on the server: read the page once parsing is over.
  await page.reload();
  return page.url().split("/incidents/")[1];
}

async function menuDownload(page: Page, testId: string) {
  const menu = page.getByTestId("export-menu");
  if (!(await menu.evaluate((d) => (d as HTMLDetailsElement).open))) await menu.locator("summary").click();
  const wait = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const dl = await wait;
  const buf = readFileSync((await dl.path())!);
  return { name: dl.suggestedFilename(), buf, text: buf.toString("utf8") };
}

test("download the Markdown report, the CSVs and the timeline chart from the Export menu", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const id = await upload(page, SAMPLE_FILES);

  const md = await menuDownload(page, "export-md");
  expect(md.name).toMatch(/^acme-prod-[a-z0-9-]+-report\.md$/);
  expect(md.text).toContain("## Verdict");
  expect(md.text).toContain(
    "**Keep-alive race: target closes idle pooled sockets** (keepalive-mismatch, confidence high)",
  );
  expect(md.text).toContain("The evidence explains **3 of 3** failures (502 and 504).");
  expect(md.text).toMatch(
    /\| 127\.0\.0\.1:28081 \| edgemicro_orders \/emg_badtarget \| 25 \| 3 \| 12\.0 % \| ECONNRESET 3 \|/,
  );
  expect(md.text).toContain(`${LOG}:10  2026-11-23T19:33:57.874Z [error]`);
  expect(md.text).toMatch(
    /connection `127\.0\.0\.1:53466`, frames \d+–\d+, target FIN in frame \d+; class \*\*keepalive-race\*\*/,
  );
  expect(md.text).toMatch(
    /### 127\.0\.0\.1:28081: Make 127\.0\.0\.1:28081 keep idle sockets open longer[^\n]*\n\n```sh\n# On 127\.0\.0\.1:28081/,
  );
  expect(md.text).not.toContain("demo-client");

  // Copy to the clipboard gives the same report (but for its generation time).
  await page.getByTestId("export-copy-md").click();
  await expect(page.getByTestId("export-status")).toHaveText("Markdown report copied to the clipboard.");
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  const strip = (s: string) => s.replace(/report generated \S+/, "");
  expect(strip(clip)).toBe(strip(md.text));

  const targets = await menuDownload(page, "export-targets-csv");
  expect(targets.name).toMatch(/-targets\.csv$/);
  const rows = parseCsv(targets.text);
  expect(rows[1].slice(0, 6)).toEqual(["127.0.0.1:28081", "edgemicro_orders /emg_badtarget", "25", "3", "0", "0.12"]);

  const svg = await menuDownload(page, "export-chart-svg");
  expect(svg.name).toMatch(/-timeline\.svg$/);
  expect(svg.text).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  expect(svg.text).toContain("recharts-bar-rectangle");
  expect(svg.text).toContain(">ECONNRESET</text>");
  const png = await menuDownload(page, "export-chart-png");
  expect(png.name).toMatch(/-timeline\.png$/);
  expect(png.buf.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");

  // The JSON export validates with the published zod schema; the JSON Schema is served.
  const json = await page.request.get(`/api/incidents/${id}/export/analysis.json`);
  expect(json.headers()["content-disposition"]).toMatch(/attachment; filename=".+-analysis\.json"/);
  const a = AnalysisExport.parse(await json.json());
  expect([a.clock.matched, a.clock.failures, a.examples.length, a.incident.summary.transactions]).toEqual([
    3, 3, 3, 25,
  ]);
  const schema = await (await page.request.get("/api/schema/analysis.json")).json();
  expect(schema.properties.schemaVersion.const).toBe(1);
  const tx = await page.request.get(`/api/incidents/${id}/export/transactions.csv`);
  expect(tx.headers()["content-type"]).toContain("text/csv");
  expect(parseCsv(await tx.text())).toHaveLength(26);
  for (const route of ["report.md", "targets.csv", "transactions.csv", "analysis.json"]) {
    const r = await page.request.get(`/api/incidents/inc_nope/export/${route}`);
    expect(r.status(), route).toBe(404);
    expect((await r.json()).error.code).toBe("not_found");
  }
});

test("override the clock offset: matches are lost with a wrong offset and come back on reset", async ({ page }) => {
  const id = await upload(page, SAMPLE_FILES);
  const clock = page.getByTestId("clock-panel");
  await expect(clock.getByTestId("clock-detected")).toContainText(
    /Detected offset \+?\d+(\.\d)? ms \(from 3 matched pairs\)/,
  );
  await expect(clock.getByTestId("clock-matched")).toHaveText("3 of 3");
  await expect(page.getByTestId("verdict")).toContainText("explains 3 of 3");

  // Say the log clock is a minute ahead: no close lines up with any 502 any more.
  await clock.getByTestId("clock-input").fill("60000");
  await clock.getByRole("button", { name: "Apply offset" }).click();
  await expect(clock.getByTestId("clock-matched")).toHaveText("0 of 3");
  await expect(clock.getByTestId("clock-applied")).toContainText("+60000 ms");
  await expect(page.getByTestId("verdict")).toContainText("explains 0 of 3");
  const api = await (await page.request.get(`/api/incidents/${id}/clock`)).json();
  expect(api).toMatchObject({ overrideMs: 60000, source: "override", matched: 0 });

  await clock.getByRole("button", { name: "Reset to detected" }).click();
  await expect(clock.getByTestId("clock-matched")).toHaveText("3 of 3");
  await expect(page.getByTestId("verdict")).toContainText("explains 3 of 3");
  await expect(clock.getByTestId("clock-input")).toHaveValue("");

  const bad = await page.request.patch(`/api/incidents/${id}/clock`, { data: { offsetMs: "soon" } });
  expect(bad.status()).toBe(422);
  expect((await page.request.patch("/api/incidents/inc_nope/clock", { data: { offsetMs: 1 } })).status()).toBe(404);
});

test("compare two incidents side by side: before (capture shows the races) and a log-only bundle", async ({ page }) => {
  const before = await upload(page, SAMPLE_FILES);
  const after = await upload(
    page,
    SAMPLE_FILES.filter((f) => !f.endsWith(".pcap")),
  );
  await page.getByTestId("compare-select").selectOption(before);
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${after}&b=${before}$`));
  await page.getByTestId("compare-swap").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${before}&b=${after}$`));

  await expect(page.getByTestId("compare-verdict-a")).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(page.getByTestId("compare-verdict-b")).toHaveAttribute("data-cause", "insufficient-data");
  const row = page.getByTestId("compare-target-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("127.0.0.1:28081");
  await expect(row.locator("td").nth(0)).toHaveText("12.0 % (3 of 25)");
  await expect(row.locator("td").nth(1)).toHaveText("12.0 % (3 of 25)");
  await expect(row.locator("td").nth(2)).toHaveText("0.00 pp");
  await expect(row.locator("td").nth(3)).toHaveText(/^20\d\d ms \/ —$/);
  await expect(page.getByTestId("compare-hop-gateway")).toContainText("65 s");
  await expect(page.getByTestId("compare-hop-target")).toContainText("changed");

  // Unknown incidents are the 404 page.
  const res = await page.goto(`/compare?a=${before}&b=inc_nope`);
  expect(res?.status()).toBe(404);
});
