import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

const SAMPLE_DIR = path.resolve(import.meta.dirname, "../../shared/samples/acme-prod-502");
const SAMPLE_FILES = readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md").map((f) => path.join(SAMPLE_DIR, f));

// Expected numbers: see lib/analysis/connections.db.test.ts (tshark: 15 conversations; races GET /items/2, /7, /18).
test("upload the sample bundle, list its connections, open a race's ladder with its 502 log line", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  // The connections page is rendered once on the server: wait until all three files are parsed.
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  const incidentUrl = page.url();

  await page.getByTestId("connections-link").getByRole("link", { name: /TCP connections/ }).click();
  await expect(page).toHaveURL(/\/connections$/);
  const table = page.getByTestId("connections-table");
  await expect(table.locator("tbody tr")).toHaveCount(15);
  await expect(page.getByRole("heading", { name: "15 connection(s)" })).toBeVisible();

  await page.getByLabel("Class").selectOption("keepalive-race");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/class=keepalive-race/);
  await expect(table.locator("tbody tr")).toHaveCount(3);

  await table.locator("tbody tr").first().getByRole("link").click();
  await expect(page).toHaveURL(/\/connections\/\d+$/);
  await expect(page.getByTestId("class-reason")).toContainText("keepalive-race");
  const ladder = page.getByTestId("ladder");
  await expect(ladder.locator("[data-frame]").first()).toContainText("SYN");
  await expect(ladder).toContainText("FIN");
  await expect(page.getByTestId("idle-gap").first()).toBeVisible();
  await expect(ladder).toContainText("idle 2.0");
  const log = page.getByTestId("matched-log");
  await expect(log).toContainText("502");
  await expect(log).toContainText("ECONNRESET");
  await expect(log).toContainText(/\/items\/(2|7|18)\b/);

  const id = incidentUrl.split("/incidents/")[1];
  const api = await page.request.get(`/api/incidents/${id}/connections?class=keepalive-race&sort=gap&pageSize=2`);
  expect(api.status()).toBe(200);
  const body = await api.json();
  expect([body.total, body.page, body.pageSize, body.connections.length]).toEqual([3, 1, 2, 2]);
  expect(body.connections[0]).toMatchObject({ class: "keepalive-race", state: "SF", matched: { status: 502, errCode: "ECONNRESET" } });
  expect((await page.request.get(`/api/incidents/${id}/connections?class=bogus`)).status()).toBe(422);
  expect((await page.request.get(`/api/incidents/inc_nope/connections`)).status()).toBe(404);

  await page.goto(incidentUrl);
  await expect(page.getByTestId("connections-link")).toContainText("keep-alive races (3)");
});
