import path from "node:path";
import { expect, test } from "@playwright/test";
import { SAMPLE_FILES } from "./helpers/samples";
import { labFiles } from "./helpers/lab";

// Expected numbers: see lib/analysis/connections.db.test.ts (tshark: 15 conversations; races GET /items/2, /7, /18).
test("upload the sample bundle, list its connections, open a race's ladder with its 502 log line", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  // The connections page is rendered once on the server: wait until all three files are parsed.
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  const incidentUrl = page.url();

  await page
    .getByTestId("connections-link")
    .getByRole("link", { name: /TCP connections/ })
    .click();
  await expect(page).toHaveURL(/\/connections$/);
  const table = page.getByTestId("connections-table");
  await expect(table.locator("tbody tr")).toHaveCount(15);
  await expect(page.getByRole("heading", { name: "15 connection(s)" })).toBeVisible();
  // One line per connection: every row is as tall as the first, requests open on demand.
  const heights = await table.locator("tbody tr").evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeLessThan(heights[0] * 1.5);
  const firstRequests = table.getByTestId("requests").first();
  await expect(firstRequests.locator("li").first()).toBeHidden();
  await firstRequests.locator("summary").click();
  await expect(firstRequests.locator("li").first()).toBeVisible();
  await expect(firstRequests.locator("li").first()).toHaveText(
    /^(GET|POST|PUT|DELETE|HEAD|\?) \S+ → (\d{3}|answered|no response)$/,
  );

  await page.getByLabel("Class").selectOption("keepalive-race");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/class=keepalive-race/);
  await expect(table.locator("tbody tr")).toHaveCount(3);

  const firstLink = table
    .locator("tbody tr")
    .first()
    .getByRole("link", { name: /^Ladder of connection/ });
  const shownNo = (await firstLink.textContent())!.trim();
  await firstLink.click();
  await expect(page).toHaveURL(/\/connections\/\d+$/);
  // The same number in the list, the URL and the title; the class in words.
  const urlNo = page.url().split("/connections/")[1];
  expect(urlNo).toBe(shownNo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(`^Connection ${urlNo}: `));
  await expect(page.getByTestId("class-reason")).toHaveAttribute("data-class", "keepalive-race");
  await expect(page.getByTestId("class-reason").locator("strong")).toHaveText("keep-alive race");
  const ladder = page.getByTestId("ladder");
  // Each annotation once per packet (the tracker's note and the exchanges used to both say "FIN", "request …").
  const annotations = await ladder.getByTestId("annotation").allTextContents();
  const repeated = annotations.filter((a) => {
    const parts = a.split(" · ").filter(Boolean);
    return (
      new Set(parts).size !== parts.length ||
      parts.some((p, i) => parts.some((q, j) => i !== j && q.startsWith(`${p} `)))
    );
  });
  expect(repeated).toEqual([]);
  expect(annotations.filter((a) => a.includes("FIN")).length).toBeGreaterThan(0);
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
  expect([body.total, body.pageSize, body.connections.length, body.prevCursor]).toEqual([3, 2, 2, null]);
  expect(body.connections[0]).toMatchObject({
    class: "keepalive-race",
    state: "SF",
    matched: { status: 502, errCode: "ECONNRESET" },
  });
  const rest = await (
    await page.request.get(
      `/api/incidents/${id}/connections?class=keepalive-race&sort=gap&pageSize=2&cursor=${body.nextCursor}`,
    )
  ).json();
  expect([rest.connections.length, rest.nextCursor]).toEqual([1, null]);
  expect((await page.request.get(`/api/incidents/${id}/connections?class=bogus`)).status()).toBe(422);
  expect((await page.request.get(`/api/incidents/inc_nope/connections`)).status()).toBe(404);

  await page.goto(incidentUrl);
  await expect(page.getByTestId("connections-link")).toContainText("keep-alive races (3)");
});

// Lab recording tls-race-1s: an https target closing connections idle for 1 s (truth.json: 16 races of 50
// connections to 127.0.0.3:9443, tshark with the gateway's TLS keys). Nothing but record headers can be read.
test("a race over TLS: its connection reads as a keep-alive race, its encrypted request unanswered", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(labFiles("tls-race-1s"));
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  await page.goto(`${page.url()}/connections?class=keepalive-race&target=127.0.0.3%3A9443`);
  const table = page.getByTestId("connections-table");
  await expect(table.locator("tbody tr")).toHaveCount(16);
  const requests = table.getByTestId("requests").first();
  await requests.locator("summary").click();
  await expect(requests.locator("li").last()).toHaveText("request (unreadable) → no response");
  await expect(requests.locator("li").first()).toHaveText("request (unreadable) → answered");

  await table
    .locator("tbody tr")
    .first()
    .getByRole("link", { name: /^Ladder of connection/ })
    .click();
  await expect(page.getByTestId("class-reason")).toHaveAttribute("data-class", "keepalive-race");
  const annotations = (await page.getByTestId("ladder").getByTestId("annotation").allTextContents()).join(" | ");
  expect(annotations).toContain("request (encrypted)");
  expect(annotations).toContain("answer (encrypted)");
  expect(annotations).toContain("unanswered request");
});

test("a capture on two interfaces: each frame read once, the copies counted on the file", async ({ page }) => {
  // lo.pcap and any-sll1.pcap (one recording, two interfaces) merged: 68 frames, each twice. tshark, stream 0:
  // frames 1–46, 40 of them; in lo.pcap alone 20 (lib/parsers/pcap/fixtures.test.ts).
  await page.goto("/");
  await page
    .getByTestId("file-input")
    .setInputFiles(path.resolve(import.meta.dirname, "../lib/parsers/pcap/__fixtures__/multi-if.pcapng"));
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  const file = page.getByTestId("file-list").locator("tr").filter({ hasText: "multi-if.pcapng" }).first();
  await expect(file).toContainText("68 frames · 68 TCP packets · 34 copies left out");
  await expect(page.getByTestId("input-banner")).toHaveCount(0);
  await page.goto(`${page.url()}/connections`);
  const table = page.getByTestId("connections-table");
  await expect(table.locator("tbody tr")).toHaveCount(3);
  await page
    .getByRole("link", { name: /^Ladder of connection/ })
    .first()
    .click();
  await expect(page.getByText(/frames 1–46 · .* · 20 packets · 0 retransmission\(s\)/)).toBeVisible();
  await expect(page.getByTestId("ladder").locator("[data-frame]")).toHaveCount(20);
});

test("connection pages: Next and Previous by keyboard, every page a link that can be shared, a bad cursor explained", async ({
  page,
  browser,
}) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByTestId("file-list").locator(".status.done")).toHaveCount(3);
  const id = page.url().split("/incidents/")[1];
  const rows = page.getByTestId("connections-table").locator("tbody tr");
  const rowIds = async () =>
    (await rows.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).join(" ");

  // 15 connections, 5 a page: three pages.
  await page.goto(`/incidents/${id}/connections?pageSize=5`);
  await expect(rows).toHaveCount(5);
  const pager = page.getByTestId("connections-pager");
  await expect(pager.getByRole("link", { name: "Previous page" })).toHaveCount(0);
  const page1 = await rowIds();

  // From the table's last link, Tab reaches Next; Enter follows it.
  await rows.last().getByRole("link").focus();
  const next = pager.getByRole("link", { name: "Next page" });
  for (let i = 0; i < 6 && !(await next.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  await expect(next).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]cursor=[\w-]+/);
  await expect(page).toHaveURL(/pageSize=5/);
  await expect(rows).toHaveCount(5);
  await expect.poll(rowIds).not.toBe(page1);
  const page2 = await rowIds();
  const page2Url = page.url();

  // Shift+Tab from Next reaches Previous (past the page summary): back to the first page.
  await pager.getByRole("link", { name: "Next page" }).focus();
  await page.keyboard.press("Shift+Tab");
  await expect(pager.getByRole("link", { name: "Previous page" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(rowIds).toBe(page1);

  // The page-2 link opened by someone else (a fresh browser) shows the same rows.
  const other = await browser.newContext({ baseURL: new URL(page2Url).origin });
  const p2 = await other.newPage();
  await p2.goto(page2Url);
  await expect(p2.getByTestId("connections-table").locator("tbody tr")).toHaveCount(5);
  expect(
    (
      await p2
        .getByTestId("connections-table")
        .locator("tbody tr a")
        .evaluateAll((as) => as.map((a) => a.getAttribute("href")))
    ).join(" "),
  ).toBe(page2);
  await other.close();

  // Last: the last five, no Next; its Previous is the middle page.
  await page.getByTestId("connections-pager").getByRole("link", { name: "Last page" }).click();
  await expect(rows).toHaveCount(5);
  await expect(pager.getByRole("link", { name: "Next page" })).toHaveCount(0);
  await pager.getByRole("link", { name: "Previous page" }).click();
  await expect.poll(rowIds).toBe(page2);

  // A cursor that is not one: the page opens the first page and says so; the API answers 400.
  await page.goto(`/incidents/${id}/connections?pageSize=5&cursor=bogus`);
  await expect(page.getByTestId("bad-cursor")).toBeVisible();
  await expect.poll(rowIds).toBe(page1);
  const bad = await page.request.get(`/api/incidents/${id}/connections?cursor=bogus`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("bad_cursor");
  const page2Cursor = new URL(page2Url).searchParams.get("cursor");
  expect((await page.request.get(`/api/incidents/${id}/connections?sort=gap&cursor=${page2Cursor}`)).status()).toBe(
    400,
  );
});
