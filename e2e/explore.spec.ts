import { expect, test } from "@playwright/test";
import { SAMPLE_FILES } from "./helpers/samples";

// Expected numbers: see lib/explore/explore.db.test.ts (grep on the sample log: 123 lines, 6 ECONNRESET lines,
// 3 transactions answered 502, each a keep-alive race in the capture).
test.setTimeout(180_000);

test("timeline bar → its 502s → one transaction with its log lines, ladder and cause; explorer filtered by error code and target", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  const incidentUrl = page.url();
  const id = incidentUrl.split("/incidents/")[1];
  await page.reload(); // the chart as the finished incident draws it

  // Click the first 502 bar of the timeline.
  const bars = page.getByTestId("timeline-chart").locator(".recharts-bar-rectangle path");
  await expect(bars.first()).toBeVisible();
  await bars.first().click();
  await expect(page).toHaveURL(/\/transactions\?from=\d+&to=\d+&minStatus=500&errCode=ECONNRESET/);
  const txTable = page.getByTestId("transaction-table");
  const txRows = txTable.locator("tbody tr");
  await expect(txRows.first()).toBeVisible();
  const n = await txRows.count();
  expect(n).toBeGreaterThanOrEqual(1);
  expect(n).toBeLessThanOrEqual(3);
  for (let i = 0; i < n; i++) await expect(txRows.nth(i)).toContainText("502");
  await expect(txRows.first()).toContainText("keep-alive race");

  // Open the transaction: its log lines, the matched connection's ladder, the cause.
  await txRows
    .first()
    .getByRole("link", { name: /GET \/emg_badtarget\/items\// })
    .click();
  await expect(page).toHaveURL(/\/transactions\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("transaction-summary")).toContainText("ECONNRESET");
  const lines = page.getByTestId("log-lines").locator("tbody tr");
  await expect(lines).toHaveCount(4); // sourceRequest, targetRequest, targetRequest error, the 502
  await expect(lines.filter({ hasText: "[502]" })).toHaveCount(1);
  await expect(lines.filter({ hasText: "[ECONNRESET]" })).toHaveCount(2);
  const ladder = page.getByTestId("transaction-connection").getByTestId("ladder");
  await expect(ladder).toContainText("FIN");
  await expect(page.getByTestId("idle-gap").first()).toBeVisible();
  await expect(page.getByTestId("transaction-cause")).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(page.getByTestId("transaction-cause")).toContainText("keep-alive");

  // A line opens in context: the lines around it, the line itself marked.
  const errLine = lines.filter({ hasText: "[502]" });
  const lineNo = await errLine.getAttribute("data-line-no");
  await errLine.getByRole("link", { name: /in context/ }).click();
  await expect(page).toHaveURL(new RegExp(`/logs/f_[^?]+\\?line=${lineNo}`));
  const current = page.getByTestId("context-lines").locator('tr[aria-current="true"]');
  await expect(current).toHaveAttribute("data-line-no", lineNo!);
  await expect(current).toContainText("[502]");
  const ln = Number(lineNo);
  await expect(page.getByTestId("context-lines").locator("tr")).toHaveCount(
    Math.min(123, ln + 10) - Math.max(1, ln - 10) + 1,
  ); // ±10 lines of 123

  // The explorer, filtered by error code and target from the form.
  await page.goto(incidentUrl);
  await page.getByRole("link", { name: "Explore logs" }).click();
  await expect(page.getByTestId("lines-summary")).toContainText("123 of 123 line(s)");
  await page.getByLabel("Error code", { exact: true }).selectOption("ECONNRESET");
  await page.getByLabel("Target", { exact: true }).selectOption("127.0.0.1:28081");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/errCode=ECONNRESET/);
  await expect(page).toHaveURL(/target=127.0.0.1%3A28081/);
  await expect(page.getByTestId("lines-summary")).toContainText("6 of 123 line(s)");
  const shown = page.getByTestId("log-lines").locator("tbody tr");
  await expect(shown).toHaveCount(6);
  for (let i = 0; i < 6; i++) await expect(shown.nth(i)).toContainText("[ECONNRESET]");

  // Free text on top: scanned and reported.
  await page.getByLabel("Text", { exact: true }).fill("items/2]");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("scan-progress")).toContainText("the search is complete");
  await expect(shown).toHaveCount(2);

  // Keyboard path to a bucket: the bar list under the chart.
  await page.goto(incidentUrl);
  const firstBar = page.getByTestId("timeline-buckets").getByRole("link").first();
  await firstBar.focus();
  await firstBar.press("Enter");
  await expect(page).toHaveURL(/\/transactions\?from=\d+/);
  await expect(page.getByTestId("transaction-table").locator("tbody tr").first()).toContainText("502");

  // Target row → its transactions.
  await page.goto(incidentUrl);
  await page.getByRole("link", { name: "Transactions to 127.0.0.1:28081" }).click();
  await expect(page.getByRole("heading", { name: "25 transaction(s)" })).toBeVisible();

  // The API behind it.
  const api = await page.request.get(`/api/incidents/${id}/lines?errCode=ECONNRESET&target=127.0.0.1:28081&limit=4`);
  expect(api.status()).toBe(200);
  const body = await api.json();
  expect([body.candidates, body.lines.length, body.nextCursor]).toEqual([6, 4, 4]);
  expect((await page.request.get(`/api/incidents/${id}/lines?status=50`)).status()).toBe(422);
  expect((await page.request.get(`/api/incidents/inc_nope/lines`)).status()).toBe(404);
  const txs = await (await page.request.get(`/api/incidents/${id}/transactions?minStatus=500`)).json();
  expect(txs.total).toBe(3);
});
