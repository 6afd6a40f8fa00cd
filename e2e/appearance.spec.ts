import { expect, test, type Page } from "@playwright/test";
import { SAMPLE_FILES } from "./helpers/samples";

/**
 * Text whose contrast with the background it is drawn on is under 4.5:1 (WCAG AA), as "tag.class: text ratio".
 * The background is the first opaque one up the tree; SVG text (charts, no CSS colour) and aria-hidden glyphs are left out.
 */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const c = [r, g, b].map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const bgOf = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || el.closest("svg, [aria-hidden=true]")) continue; // charts; decorative glyphs (ladder arrowheads)
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || st.visibility === "hidden" || Number(st.opacity) < 0.6) continue;
      const fg = rgb(st.color).slice(0, 3);
      const [a, b] = [lum(fg), lum(bgOf(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5)
        out.push(
          `${el.tagName.toLowerCase()}.${el.className}: "${n.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`,
        );
    }
    return [...new Set(out)];
  });
}

async function pagesOf(page: Page): Promise<string[]> {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  const incident = new URL(page.url()).pathname;
  await page.goto(`${incident}/connections?class=keepalive-race`);
  const ladder = (await page.getByTestId("connections-table").getByRole("link").first().getAttribute("href"))!;
  await page.goto(`${incident}/transactions?minStatus=500`);
  const tx = (await page
    .getByTestId("transaction-table")
    .getByRole("link", { name: /GET / })
    .first()
    .getAttribute("href"))!;
  return ["/", incident, `${incident}/connections`, ladder, `${incident}/logs`, tx, "/u/" + "A".repeat(43)];
}

test("dark mode follows the system and every page stays readable", async ({ browser }) => {
  const ctx = await browser.newContext({ colorScheme: "dark", baseURL: test.info().project.use.baseURL });
  const page = await ctx.newPage();
  const unreadable: string[] = [];
  for (const url of await pagesOf(page)) {
    await page.goto(url);
    await expect(page.locator("main")).toBeVisible();
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    // The dark background (app/globals.css), not the light one.
    expect(bg, url).toBe("rgb(15, 20, 25)");
    unreadable.push(...(await lowContrast(page)).map((t) => `${url.replace(/[A-Za-z0-9_-]{20,}/g, "…")} ${t}`));
  }
  // Every page's findings at once.
  expect(unreadable).toEqual([]);
  await ctx.close();
});

test("at 800 px wide no page scrolls sideways", async ({ browser }) => {
  const ctx = await browser.newContext({
    viewport: { width: 800, height: 900 },
    baseURL: test.info().project.use.baseURL,
  });
  const page = await ctx.newPage();
  for (const url of await pagesOf(page)) {
    await page.goto(url);
    await expect(page.locator("main")).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, url).toBeLessThanOrEqual(800);
  }
  await ctx.close();
});

test("a favicon from the app itself", async ({ page }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toMatch(/^\/icon/);
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
});

test("open mode: creating a share link says who can open it, and copies it", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles([SAMPLE_FILES.find((f) => f.endsWith(".log"))!]);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  const panel = page.getByTestId("share-panel");
  const note = panel.getByTestId("open-mode-note");
  await expect(note).toContainText("only this machine can open a share link");
  await expect(note).toContainText("there is no read-only visitor");
  await panel.getByRole("button", { name: "Create share link" }).click();
  const url = await panel.getByTestId("share-url").inputValue();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await panel.getByTestId("copy-link").click();
  await expect(panel.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  // The customer upload links say the same in open mode.
  await page.goto("/");
  await page.getByTestId("upload-links").locator("summary").click();
  await expect(page.getByTestId("upload-links").getByTestId("open-mode-note")).toContainText(
    "only this machine can open an upload link",
  );
});
