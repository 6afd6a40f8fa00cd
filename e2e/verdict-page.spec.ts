// The incident page leads with the answer (issue #16), on real lab recordings (lib/analysis/__fixtures__/lab).
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { CAUSE_LABEL } from "../lib/analysis/diagnosis/labels";
import { writeBigLog } from "./helpers/synth";
import { HANGER, HEALTHY, LAB, RACER, labFiles, threeTargetBundle, tmp } from "./helpers/lab";

async function upload(page: Page, files: string[]) {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(files);
  await expect(page).toHaveURL(/\/incidents\/inc_/, { timeout: 120_000 });
}

async function expectInFirstScreen(page: Page, l: Locator) {
  const box = await l.boundingBox();
  expect(box, "element rendered").not.toBeNull();
  const vp = page.viewportSize()!;
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width);
}

test("the first screen shows each failing target's cause, proof and fix; the idle-gap chart spikes at the racing target's timer", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await upload(page, threeTargetBundle());
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "both", { timeout: 60_000 });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  await expectInFirstScreen(page, page.getByTestId("verdict"));
  await expect(page.getByTestId("verdict")).toContainText("explains 21 of 21 failures");
  for (const [target, cause, fix] of [
    [RACER, "keepalive-mismatch", "server.keepAliveTimeout"],
    [HANGER, "premature-close", "grep"],
  ] as const) {
    const card = page.locator(`[data-testid=target-verdict][data-target="${target}"]`);
    await expect(card).toHaveAttribute("data-cause", cause);
    await expect(card.getByTestId("target-cause")).toHaveText(CAUSE_LABEL[cause]);
    await expect(card).toContainText("confidence high");
    await expect(card.locator("pre")).toContainText(fix);
    for (const part of [
      card.getByTestId("target-cause"),
      card.getByTestId("key-evidence"),
      card.locator("pre"),
      card.getByRole("button", { name: `Copy the fix for ${target}` }),
    ]) {
      await expectInFirstScreen(page, part);
    }
  }
  await expect(page.locator(`[data-target="${RACER}"]`).getByTestId("key-evidence")).toContainText(
    /idle timer ≈ 1\.00 s: (\d+) of \1 idle closes agree/,
  );
  await expect(page.locator(`[data-target="${HANGER}"]`).getByTestId("key-evidence")).toContainText(
    /\d+ closes? without a response after the target had the request \(most on \/items\/2\)/,
  );
  await expect(page.getByTestId("healthy-targets")).toContainText(HEALTHY);
  await expectInFirstScreen(page, page.getByTestId("healthy-targets"));
  await expect(page.getByTestId("target-verdict")).toHaveCount(2);

  // The fix is copied as shown.
  await page.getByRole("button", { name: `Copy the fix for ${RACER}` }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("server.keepAliveTimeout");

  // Idle-gap chart: the racer's closes pile up in the bar at its idle timer; the hang-ups do not.
  const racer = page.locator(`[data-testid=idle-gap-chart][data-target="${RACER}"]`);
  await expect(racer).toBeVisible();
  const counts: number[] = JSON.parse((await racer.getAttribute("data-counts"))!);
  const total = counts.reduce((a, b) => a + b, 0);
  expect(Math.max(...counts)).toBeGreaterThanOrEqual(0.9 * total);
  const marks: Array<{ name: string; ms: number; bar: string }> = JSON.parse((await racer.getAttribute("data-marks"))!);
  expect(marks.map((m) => m.name)).toEqual(["target idle timer (capture)", "gateway keep_alive_timeout"]);
  expect(marks[0].bar).toBe(await racer.getAttribute("data-tallest"));
  expect(marks[1].ms).toBe(30_000);
  await expect(racer.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(racer.locator(".recharts-reference-line")).toHaveCount(2);
  const hanger: number[] = JSON.parse(
    (await page.locator(`[data-testid=idle-gap-chart][data-target="${HANGER}"]`).getAttribute("data-counts"))!,
  );
  expect(Math.max(...hanger)).toBeLessThan(hanger.reduce((a, b) => a + b, 0));

  // 502s by path: the hang-ups live on one endpoint.
  const paths: Array<{ path: string; s502: number }> = JSON.parse(
    (await page.locator(`[data-testid=path-chart][data-target="${HANGER}"]`).getAttribute("data-paths"))!,
  );
  expect(paths[0].path).toMatch(/\/items\/2$/);

  // The timeline's legend tells closes that killed a request from ordinary ones.
  const timeline = page.getByTestId("timeline-chart");
  await expect(timeline.locator(".recharts-legend-wrapper")).toContainText("target FIN that killed a request");
  await expect(timeline.locator(".recharts-legend-wrapper")).toContainText("target FIN (ordinary)");
  await expect(timeline).toContainText("time (UTC)");

  // Keyboard: from the top of a fresh load, Tab reaches the copy buttons and the fix notes, each visibly focused.
  await page.reload();
  await expect(page.getByTestId("verdict")).toBeVisible();
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 3; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const cs = getComputedStyle(el);
      return {
        label: el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? "",
        outline: cs.outlineStyle,
        width: parseFloat(cs.outlineWidth),
      };
    });
    if (!f) continue;
    if (/^Copy the fix for|^Why this fix/.test(f.label)) {
      expect(f.outline, f.label).not.toBe("none");
      expect(f.width, f.label).toBeGreaterThanOrEqual(2);
      seen.add(f.label.replace(/ \(.*/, ""));
    }
  }
  expect([...seen].sort()).toEqual([`Copy the fix for ${HANGER}`, `Copy the fix for ${RACER}`, "Why this fix"].sort());
});

test("while a large log parses the page shows progress and no verdict, then the result", async ({ page }) => {
  test.setTimeout(300_000);
  const big = tmp(`big-${Date.now()}-1-api.log`);
  await writeBigLog(big, 3000);
  await upload(page, [big, ...labFiles("race-1s").filter((f) => !f.endsWith(".log"))]);
  await expect(page.getByTestId("parsing-state")).toBeVisible();
  const bar = page.getByRole("progressbar", { name: /Parsing verdict-page/ }).first();
  await expect
    .poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId("parsing-state")).toContainText(
    /\d+ % · (about \d+ (s|min) left|almost done|estimating…)/,
  );
  // Nothing that reads as an answer while the data is half read.
  await expect(page.getByTestId("verdict")).toHaveCount(0);
  await expect(page.getByTestId("must-gather")).toHaveCount(0);
  await expect(page.getByText(/No gateway log/i)).toHaveCount(0);
  await expect(page.getByTestId("evidence")).toHaveCount(0);
  // Done: the verdict replaces the progress, on the same page.
  await expect(page.getByTestId("verdict")).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("parsing-state")).toHaveCount(0);
  await expect(page.getByTestId("evidence")).toBeVisible();
});

/** The lab capture cut inside a record, a little past the middle. */
function truncatedCapture(): string {
  const buf = readFileSync(path.join(LAB, "race-1s", "capture.pcap"));
  let off = 24;
  while (off < buf.length / 2) off += 16 + buf.readUInt32LE(off + 8);
  const out = tmp("cut.pcap");
  writeFileSync(out, buf.subarray(0, off + 16 + 10));
  return out;
}

/** The lab log with lines that are not gateway lines in it: free text and a line with a broken header. */
function garbageLog(): string {
  const src = labFiles("race-1s").find((f) => f.endsWith(".log"))!;
  const lines = readFileSync(src, "utf8").split("\n");
  const at = Math.floor(lines.length / 2);
  lines.splice(at, 0, "zzgarbage this is not a gateway line", "2026-12-01T10:44:40.000Z [info][garbage header");
  const out = tmp("garbage-1-api.log");
  writeFileSync(out, lines.join("\n"));
  return out;
}

test("a truncated capture and a log with garbage lines are named in a banner with their reasons", async ({ page }) => {
  await upload(page, [
    truncatedCapture(),
    garbageLog(),
    labFiles("race-1s").find((f) => f.endsWith("lab-test-config.yaml"))!,
  ]);
  const banner = page.getByTestId("input-banner");
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner.locator('[data-file$="cut.pcap"]')).toContainText(/inside a record/);
  await expect(banner.locator('[data-file$="garbage-1-api.log"]')).toContainText(
    /\d+ lines? (was|were) not understood/,
  );
  await expectInFirstScreen(page, banner);

  // The lines that were not understood are found by free text in the log explorer.
  await page.getByRole("link", { name: "Explore logs" }).click();
  await page.getByLabel("Text", { exact: true }).fill("zzgarbage");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("scan-progress")).toContainText("the search is complete");
  const found = page.getByTestId("log-lines").locator("tbody tr");
  await expect(found).toHaveCount(1);
  await expect(found.first()).toContainText("zzgarbage this is not a gateway line");
});

test("an upload in which no file could be used says so instead of a verdict", async ({ page }) => {
  const junk = tmp("notes.bin");
  writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9, 9, 9]));
  const empty = tmp("empty.log");
  closeSync(openSync(empty, "w"));
  await upload(page, [junk, empty]);
  await expect(page.getByTestId("nothing-usable")).toBeVisible();
  await expect(page.getByTestId("input-banner").getByTestId("input-problem")).toHaveCount(2);
  await expect(page.getByTestId("verdict")).toHaveCount(0);
  await expect(page.getByTestId("diagnosis")).toHaveCount(0);
});

test("a gateway worker that died mid-recording is named beside the numbers, with its log lines", async ({ page }) => {
  // lib/analysis/__fixtures__/lab/worker-crash-mid-request: one of two workers SIGKILLed 15 s in, logged as
  // `handleWorkerExit 1 :: 21185` on line 216 and its successor as `worker 3 is online` on line 219
  // (grep -n "is online\|handleWorkerExit"); no 502 in the log.
  await upload(page, labFiles("worker-crash-mid-request"));
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "no-502", { timeout: 60_000 });
  const note = page.getByTestId("worker-restarts");
  await expect(note).toContainText("Gateway workers exited or started while the gateway was serving");
  await expect(note.getByRole("listitem")).toHaveText([
    /^worker 1 exited at 2026-12-04 17:10:04\.979 UTC \(.*line 216\)$/,
    /^worker 3 started at 2026-12-04 17:10:05\.071 UTC \(.*line 219\)$/,
  ]);
  await note.getByRole("link", { name: /line 216/ }).click();
  await expect(page).toHaveURL(/\/logs\/[^/?]+\?line=216/);
  await expect(page.locator("#L216")).toContainText("handleWorkerExit 1 :: 21185");
});

test("a gateway process killed and started again is named from its two log files", async ({ page }) => {
  // lib/analysis/__fixtures__/lab/gateway-process-restart: one gateway process SIGKILLed 15 s in and started again
  // 1 s later. The first process's file (uid 339a3ca6…) ends at 23:22:04.318 (`tail -n1`); the new one's (uid
  // c143ae7b…) begins with its `edge micro listening` line at 23:22:06.426 (`grep -n "edge micro listening"`: line 1).
  await upload(page, labFiles("gateway-process-restart"));
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "no-502", { timeout: 60_000 });
  const note = page.getByTestId("worker-restarts");
  await expect(note).toContainText("The gateway was stopped and started again");
  await expect(note.getByRole("listitem")).toHaveText([
    /^the gateway on vm started again at 2026-12-04 23:22:06\.426 UTC \(edgemicro-vm-c143ae7b-.*-1-api\.log, line 1\); the process before wrote its last line at 2026-12-04 23:22:04\.318 UTC \(edgemicro-vm-339a3ca6-.*-1-api\.log\)$/,
  ]);
  await note.getByRole("link", { name: /line 1/ }).click();
  await expect(page.locator("#L1")).toContainText("edge micro listening on port 8000 uid=c143ae7b");
});
