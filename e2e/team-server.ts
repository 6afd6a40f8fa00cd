import { expect, type Page } from "@playwright/test";

// The second e2e server: team mode (accounts exist), its own data directory and, on PostgreSQL, its own
// database (<db>_team) so the open-mode specs keep running unchanged against the first server.
export const OPEN_PORT = Number(process.env.E2E_PORT ?? 3100);
// +1000, not +1: several checkouts run their e2e side by side on neighbouring ports.
export const TEAM_PORT = Number(process.env.E2E_TEAM_PORT ?? OPEN_PORT + 1000);
export const TEAM_URL = `http://127.0.0.1:${TEAM_PORT}`;
export const ADMIN = { email: "admin@e2e.test", password: "e2e admin password" };

/** The team server's database: DATABASE_URL with `_team` appended to the database name. */
export function teamDatabaseUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/$/, "") || "/postgres"}_team`;
  return u.href;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}
