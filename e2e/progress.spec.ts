import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeBigLog } from "./helpers/synth";

// 2000 copies of the sample log (25 KiB, 3 × 502 each: see lib/ingest/ingest.db.test.ts) make a 128 MB file
// that takes a few seconds to parse: long enough to watch its percent and time left change live.
const COPIES = 5000;

test("a large log shows percent done and time left while it parses, then the page fills in without a reload", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const file = path.join(os.tmpdir(), `edgemicro-progress-${Date.now()}-1-api.log`);
  await writeBigLog(file, COPIES);
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(file);
  await expect(page).toHaveURL(/\/incidents\/inc_/, { timeout: 120_000 });
  await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));

  // The parsing panel at the top of the page (the file list below repeats the same bar).
  const parsing = page.getByTestId("parsing-state");
  const bar = parsing.getByRole("progressbar", { name: /Parsing edgemicro-progress/ });
  await expect(bar).toBeVisible();
  // Percent moves while the file is parsed, and a time estimate appears, with no reload in between.
  await expect
    .poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await expect(parsing.getByTestId("parse-progress")).toContainText(
    /\d+ % · (about \d+ (s|min) left|almost done|estimating…)/,
  );
  await expect(parsing.getByTestId("parse-progress")).toContainText(/about \d+ (s|min) left|almost done/);

  // Done: the bar is gone and the counts are there, on the same page.
  await expect(page.getByTestId("count-502")).toHaveText(String(3 * COPIES), { timeout: 90_000 });
  await expect(page.getByRole("progressbar", { name: /Parsing edgemicro-progress/ })).toHaveCount(0);
  await expect(page.getByTestId("file-list")).toContainText("done");
  expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
});
