// Unknown incident pages are real 404s (not a 200 with a "not found" panel), and sign-in never sends the browser
// to another site whatever `next` says.
import { expect, test } from "@playwright/test";
import { ADMIN, TEAM_URL } from "./team-server";

test("an unknown incident answers 404 on every incident page", async ({ page }) => {
  for (const p of [
    "/incidents/inc_nope",
    "/incidents/inc_nope/logs",
    "/incidents/inc_nope/transactions",
    "/incidents/inc_nope/connections",
  ]) {
    const res = await page.goto(p);
    expect(res?.status(), p).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});

test.describe("team mode", () => {
  test.use({ baseURL: TEAM_URL });

  test("sign-in with next=/%09/evil.example stays on this server", async ({ page }) => {
    await page.goto("/signin?next=/%09/evil.example");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);
    expect(new URL(page.url()).origin).toBe(TEAM_URL);
    expect(new URL(page.url()).pathname).toBe("/");
  });

  test("an anonymous visitor of an unknown incident is sent to sign-in, not told it does not exist", async ({
    page,
  }) => {
    await page.goto("/incidents/inc_nope");
    await expect(page).toHaveURL(/\/signin\?next=%2Fincidents%2Finc_nope$/);
  });
});
