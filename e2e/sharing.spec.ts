import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signIn, TEAM_URL } from "./team-server";
import { SAMPLE_FILES } from "./helpers/samples";

test.use({ baseURL: TEAM_URL });

// Secrets of the sample config (fake but real-shaped): never in a shared view.
const SECRETS = [
  "MIICpDCCAYwCCQDk2Y1vWq0ZlTANBgkqhkiG9w0BAQsFADAUMRIwEAYDVQQDDAls",
  "Sup3rS3cret!",
  "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
  "4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
];

async function uploadSample(page: Page): Promise<string> {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByText("parsing…")).toHaveCount(0);
  return page.url().split("/incidents/")[1];
}

test("share link: read-only analysis for a fresh browser, nothing else reachable, 404 after revocation", async ({
  page,
  browser,
}) => {
  page.on("dialog", (d) => void d.accept());
  await signIn(page, ADMIN.email, ADMIN.password);
  const id = await uploadSample(page);

  // Engineers download the stored files from the file list.
  const download = page.getByTestId("file-list").getByRole("link").first();
  const stored = await page.request.get((await download.getAttribute("href"))!);
  expect(stored.status()).toBe(200);
  expect(stored.headers()["content-disposition"]).toMatch(/^attachment;/);

  // A note for the ticket, saved on the incident.
  await page.getByRole("button", { name: "Add note" }).click();
  await page.getByLabel("Note for the ticket").fill("Customer sees 502s after idle periods; see capture.");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByTestId("incident-note")).toHaveText("Customer sees 502s after idle periods; see capture.");

  const label = `ticket ${Date.now()}`;
  const panel = page.getByTestId("share-panel");
  await panel.getByLabel("Label").fill(label);
  await panel.getByRole("button", { name: "Create share link" }).click();
  const url = await panel.getByTestId("share-url").inputValue();
  expect(url).toMatch(new RegExp(`^${TEAM_URL}/s/[A-Za-z0-9_-]{43}$`));
  // Team mode: a real read-only link, so no open-mode warning; the copy button puts the link on the clipboard.
  await expect(panel.getByTestId("open-mode-note")).toHaveCount(0);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await panel.getByTestId("copy-link").click();
  await expect(panel.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(panel.getByTestId("share-links")).toContainText(label);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);

  // A fresh browser opens the link: the analysis, read-only.
  const visitor = await browser.newContext();
  const v = await visitor.newPage();
  await v.goto(url);
  await expect(v).toHaveURL(new RegExp(`/incidents/${id}$`));
  await expect(v.getByTestId("mode")).toHaveText("Shared incident · read only");
  await expect(v.getByTestId("count-502")).toHaveText("3");
  await expect(v.getByTestId("verdict")).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(v.getByRole("heading", { name: /502 timeline/ })).toBeVisible();
  await expect(v.getByRole("heading", { name: "Targets" })).toBeVisible();
  await expect(v.getByTestId("hop-check")).toBeVisible();
  await expect(v.getByTestId("incident-note")).toHaveText("Customer sees 502s after idle periods; see capture.");
  for (const control of [
    v.getByRole("button", { name: "Rename" }),
    v.getByRole("button", { name: /note/i }),
    v.getByTestId("answer-target"),
    v.getByTestId("share-panel"),
  ]) {
    await expect(control).toHaveCount(0);
  }
  await v
    .getByTestId("connections-link")
    .getByRole("link", { name: /^TCP connections/ })
    .click();
  await expect(v.getByTestId("connections-table")).toBeVisible();
  const cookie = (await visitor.cookies()).find((c) => c.name === "emg_share");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  // Nothing secret in what the visitor can fetch.
  // Every incident page and read API works for the visitor (log explorer, transactions, exports included).
  for (const p of [
    `/incidents/${id}`,
    `/incidents/${id}/connections`,
    `/incidents/${id}/logs`,
    `/incidents/${id}/transactions`,
    `/api/incidents/${id}`,
    `/api/incidents/${id}/connections`,
    `/api/incidents/${id}/lines`,
    `/api/incidents/${id}/transactions`,
    `/api/incidents/${id}/export/report.md`,
    `/api/incidents/${id}/export/analysis.json`,
  ]) {
    const res = await v.request.get(p);
    expect(res.status(), `${p} for the share visitor`).toBe(200);
    const body = await res.text();
    for (const s of SECRETS) expect(body.includes(s), `secret in ${p}`).toBe(false);
  }

  // No incident list, no other page, no mutation, no raw download.
  expect((await v.goto("/"))?.status()).toBe(404);
  expect((await v.goto("/admin"))?.status()).toBe(404);
  const req = v.request;
  const fileId = (await (await req.get(`/api/incidents/${id}`)).json()).files[0].id;
  expect((await req.get("/api/incidents")).status()).toBe(403);
  expect((await req.patch(`/api/incidents/${id}`, { data: { title: "hijacked" } })).status()).toBe(403);
  expect((await req.put(`/api/incidents/${id}/answers`, { data: { targetKeepAliveMs: 1000 } })).status()).toBe(403);
  expect((await req.post(`/api/incidents/${id}/share-links`, { data: {} })).status()).toBe(403);
  expect((await req.delete(`/api/incidents/${id}`)).status()).toBe(403);
  expect((await req.get(`/api/incidents/${id}/files/${fileId}`)).status()).toBe(403);
  await v.goto(`/incidents/${id}`);
  await expect(v.getByTestId("file-list").getByRole("link")).toHaveCount(0);
  expect((await req.post("/api/upload-links", { data: { label: "x" } })).status()).toBe(403);

  // The engineer sees the view, then revokes the link.
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/incidents/${id}`);
  const row = page.getByTestId("share-links").getByRole("row", { name: new RegExp(label) });
  await expect(row.getByTestId("view-count")).toHaveText("1");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("share-panel")).toContainText("No active share links.");

  // Revoked: the link is a bare 404, and the cookie no longer opens the incident.
  const gone = await v.goto(url);
  expect(gone?.status()).toBe(404);
  expect(await v.content()).not.toContain(id);
  await v.goto(`/incidents/${id}`);
  await expect(v).toHaveURL(/\/signin/);
  expect((await req.get(`/api/incidents/${id}`)).status()).toBe(404);
  await visitor.close();

  // The engineer finds the incident by verdict and target, and deletes it (after confirming).
  await page.goto("/");
  await page.getByLabel("Verdict").selectOption("keepalive-mismatch");
  await page.getByRole("textbox", { name: "Target" }).fill("127.0.0.1:28081"); // the verdict select's options name targets too
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/verdict=keepalive-mismatch/);
  const listed = page
    .getByTestId("incident-list")
    .getByRole("row")
    .filter({ has: page.locator(`a[href="/incidents/${id}"]`) });
  await expect(listed.getByTestId("verdict-cell")).toHaveText("Keep-alive race: target closes idle pooled sockets");
  await listed.getByRole("button", { name: /^Delete/ }).click();
  await expect(listed).toHaveCount(0);
  expect((await page.request.get(`/api/incidents/${id}`)).status()).toBe(404);
});

test("customer upload link: a fresh browser uploads a bundle and gets a read-only link to the result", async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/");
  const links = page.getByTestId("upload-links");
  await links.locator("summary").click();
  const ticket = `ticket ${Date.now()}`;
  await links.getByLabel("Ticket").fill(ticket);
  await links.getByLabel("Uses").fill("1");
  await links.getByRole("button", { name: "Create upload link" }).click();
  const uploadUrl = await links.getByTestId("upload-url").inputValue();
  expect(uploadUrl).toMatch(/\/u\/[A-Za-z0-9_-]{43}$/);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await links.getByTestId("copy-link").click();
  await expect(links.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(uploadUrl);
  const row = links.getByRole("row", { name: new RegExp(ticket) });
  await expect(row.getByTestId("upload-link-state")).toHaveText("usable, 1 upload left");

  const customer = await browser.newContext();
  const c = await customer.newPage();
  await c.goto(uploadUrl);
  await expect(c.getByTestId("upload-label")).toHaveText(ticket);
  await c.getByTestId("customer-file-input").setInputFiles(SAMPLE_FILES);
  await c.getByRole("button", { name: "Upload" }).click();
  const result = c.getByTestId("result-link");
  await expect(result).toHaveAttribute("href", /\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(c.getByTestId("upload-done").getByTestId("copy-link")).toBeVisible();
  await result.click();
  await expect(c).toHaveURL(/\/incidents\/inc_/);
  await expect(c.getByTestId("mode")).toHaveText("Shared incident · read only");
  await expect(c.getByText("parsing…")).toHaveCount(0);
  await expect(c.getByTestId("count-502")).toHaveText("3");
  await expect(c.getByRole("button", { name: "Rename" })).toHaveCount(0);

  // One use only: the link is spent, and says so to the customer (not "does not exist").
  await c.goto(uploadUrl);
  const spent = c.getByTestId("upload-link-unusable");
  await expect(spent).toHaveAttribute("data-reason", "used");
  await expect(spent.getByRole("heading")).toHaveText(/This upload link has been used/);
  await expect(spent).toContainText(ticket);
  await expect(c.getByTestId("customer-file-input")).toHaveCount(0);
  await expect(c.getByText(/does not exist/)).toHaveCount(0);
  // A token that names no link is still a bare 404, about the link.
  const unknown = await c.goto(uploadUrl.replace(/[A-Za-z0-9_-]{43}$/, "A".repeat(43)));
  expect(unknown?.status()).toBe(404);
  await expect(c.getByRole("heading", { name: "This upload link is not valid" })).toBeVisible();
  // The engineer sees the link used up on the page that created it.
  await page.reload();
  await page.getByTestId("upload-links").locator("summary").click();
  const used = page.getByTestId("upload-links").getByRole("row", { name: new RegExp(ticket) });
  await expect(used).toContainText("1 / 1");
  await expect(used.getByTestId("upload-link-state")).toHaveText("used up: this link has been used");
  await customer.close();
});
