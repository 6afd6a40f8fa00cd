import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SAMPLE_FILES } from "./helpers/samples";

// Expected numbers: see lib/ingest/ingest.db.test.ts (grep counts on the sample log: 25 requests, 3 × 502 ECONNRESET).
async function expectSampleIncident(page: import("@playwright/test").Page) {
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("count-502")).toHaveText("3");
  await expect(page.getByText("parsing…")).toHaveCount(0);
  const row = page.getByTestId("target-table").locator("tbody tr").first();
  await expect(row).toContainText("127.0.0.1:28081");
  await expect(row).toContainText("/emg_badtarget");
  await expect(row.locator("td").nth(2)).toHaveText("25");
  await expect(row.locator("td").nth(3)).toHaveText("3");
  await expect(row.locator("td").nth(4)).toHaveText("12.0 %");
  await expect(row).toContainText("ECONNRESET × 3");
  // The timeline draws one bar segment per bucket holding 502s.
  await expect(page.getByTestId("timeline-chart").locator(".recharts-bar-rectangle path")).toHaveCount(3);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("acme/prod");
}

test("upload the sample bundle as loose files and read its 502 timeline and target row", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expectSampleIncident(page);
  await expect(page.getByTestId("file-list")).toContainText("gateway-config");
});

test("upload the sample bundle zipped, rename the incident, find it on the home page", async ({ page }) => {
  const zip = path.join(os.tmpdir(), `bundle-${Date.now()}.zip`);
  execFileSync("zip", ["-q", "-j", zip, ...SAMPLE_FILES]);
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(zip);
  await expectSampleIncident(page);
  await page.getByRole("button", { name: "Rename" }).click();
  const title = `Ticket 4711 ${Date.now()}`;
  await page.getByLabel("Incident title").fill(title);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await page.goto("/");
  await expect(page.getByRole("link", { name: title })).toBeVisible();
});
