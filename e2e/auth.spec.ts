import { expect, test } from "@playwright/test";
import { ADMIN, signIn, TEAM_URL } from "./team-server";

test("open mode: no sign-in, and the header says only this machine can reach it", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("mode")).toHaveText("Open mode · only this machine can reach it");
  await expect(page.getByRole("heading", { name: "Incidents" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  // Open mode has no cookie to lean on: a state change another site's page makes the browser send is refused.
  const forged = await page.request.delete("/api/incidents/inc_nope", { headers: { origin: "https://evil.example" } });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("cross_site");
  expect((await page.request.delete("/api/incidents/inc_nope")).status()).toBe(404); // scripts without Origin pass
});

test.describe("team mode", () => {
  test.use({ baseURL: TEAM_URL });

  test("sign-in, session cookie, admin adds and removes an engineer, sign-out", async ({ page, browser }) => {
    page.on("dialog", (d) => void d.accept());
    // Anonymous: the list sends to sign-in, the API answers 401.
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin\?next=%2F$/);
    expect((await page.request.get("/api/incidents")).status()).toBe(401);

    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password.");
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);
    await expect(page.getByRole("heading", { name: "Incidents" })).toBeVisible();

    const session = (await page.context().cookies()).find((c) => c.name === "emg_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(session!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session!.expires * 1000 - Date.now()).toBeGreaterThan(11 * 3600_000);

    // The admin adds an engineer with a temporary password.
    const eng = { email: `eng-${Date.now()}@e2e.test`, password: "temporary pass 1" };
    await page.getByRole("link", { name: "Accounts" }).click();
    await page.getByLabel("Email").fill(eng.email);
    await page.getByLabel("Temporary password").fill(eng.password);
    await page.getByRole("button", { name: "Add" }).click();
    await expect(page.getByTestId("users")).toContainText(eng.email);

    // The engineer signs in elsewhere; engineers do not manage accounts.
    const other = await browser.newContext();
    const ep = await other.newPage();
    await signIn(ep, eng.email, eng.password);
    await expect(ep.getByRole("link", { name: "Accounts" })).toHaveCount(0);
    expect((await ep.request.get("/api/admin/users")).status()).toBe(403);
    const adminPage = await ep.goto("/admin");
    expect(adminPage?.status()).toBe(404);

    // Removing the engineer ends their session at once.
    await page
      .getByRole("row", { name: new RegExp(eng.email) })
      .getByRole("button", { name: "Remove" })
      .click();
    await expect(page.getByTestId("users")).not.toContainText(eng.email);
    await ep.goto("/");
    await expect(ep).toHaveURL(/\/signin/);
    await other.close();

    // Sign-out deletes the session: the old cookie no longer opens anything.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin$/);
    const replay = await page.request.get("/api/incidents", { headers: { cookie: `emg_session=${session!.value}` } });
    expect(replay.status()).toBe(401);
  });
});
