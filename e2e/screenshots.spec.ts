// Screenshots of the incident page for the README and docs: light and dark, 1440 and 800 wide.
// Re-run with: SCREENSHOTS=1 E2E_PORT=3700 node_modules/.bin/playwright test e2e/screenshots.spec.ts
import path from "node:path";
import { expect, test } from "@playwright/test";
import { threeTargetBundle } from "./helpers/lab";

const OUT = path.resolve(import.meta.dirname, "../docs/screenshots");

test.skip(!process.env.SCREENSHOTS, "writes docs/screenshots/: run with SCREENSHOTS=1");

test("incident page screenshots", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(threeTargetBundle());
  await expect(page).toHaveURL(/\/incidents\/inc_/, { timeout: 120_000 });
  await expect(page.getByTestId("verdict")).toBeVisible({ timeout: 60_000 });
  const url = page.url();
  for (const scheme of ["light", "dark"] as const) {
    for (const width of [1440, 800]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url);
      await expect(page.locator("[data-testid=idle-gap-chart] .recharts-bar-rectangle").first()).toBeVisible();
      await page.screenshot({ path: path.join(OUT, `incident-${width}-${scheme}.png`) });
    }
  }
});
