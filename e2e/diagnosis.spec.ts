import { expect, test } from "@playwright/test";
import { SAMPLE_FILES } from "./helpers/samples";

const SECRETS = [
  "MIICpDCCAYwCCQDk2Y1vWq0ZlTANBgkqhkiG9w0BAQsFADAUMRIwEAYDVQQDDAls",
  "Sup3rS3cret!",
  "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
  "4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
];

test("walk the guided flow on the sample bundle; a target keep-alive answer updates the verdict and the fix", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles(SAMPLE_FILES);
  await expect(page).toHaveURL(/\/incidents\/inc_/);
  await expect(page.getByText("parsing…")).toHaveCount(0);

  const panel = page.getByTestId("diagnosis");
  await expect(page.getByTestId("verdict")).toBeVisible();
  // The common steps are answered from the logs: 3 × 502 on 127.0.0.1:28081.
  await expect(panel.getByTestId("step-find-502s")).toHaveAttribute("data-outcome", "fail");
  await expect(panel.getByTestId("step-find-502s")).toContainText("3 × 502");
  await expect(panel.getByTestId("step-which-target")).toContainText("127.0.0.1:28081");
  await expect(panel.getByTestId("hop-gateway")).toContainText("65 s");
  // From the capture alone: races at the target's ≈2 s idle timeout explain the 3 × 502.
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(page.getByTestId("verdict")).toContainText("explains 3 of 3");
  await expect(panel.getByTestId("hop-target")).toContainText("inferred from the capture");
  await expect(panel.getByTestId("violation")).toBeVisible();
  // One verdict per target, with the fix at the target (keep_alive_timeout governs client → gateway only).
  const verdict = page.getByTestId("target-verdict");
  await expect(verdict).toHaveCount(1);
  await expect(verdict).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(verdict).toContainText("127.0.0.1:28081");
  await expect(verdict).toContainText(/target idle timeout ≈ 2(\.0\d)? s/);
  await expect(page.getByTestId("fix-snippet")).toContainText("server.keepAliveTimeout");
  await expect(verdict).toContainText("client → gateway) only");
  await expect(panel.getByTestId("must-gather")).toHaveCount(0);

  // No secret of the sample config in the page's HTML or the incident JSON.
  const id = page.url().split("/incidents/")[1];
  const html = await (await page.request.get(`/incidents/${id}`)).text();
  const json = await (await page.request.get(`/api/incidents/${id}`)).text();
  for (const secret of SECRETS) {
    expect(html.includes(secret), "secret in the page HTML").toBe(false);
    expect(json.includes(secret), "secret in the API response").toBe(false);
  }

  // Steps expand and collapse with buttons.
  const toggle = panel.getByTestId("step-which-target").getByRole("button");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(panel.getByTestId("step-which-target").getByRole("link", { name: /Read more/ })).toHaveAttribute(
    "href",
    /docs\.apigee\.com/,
  );

  // The person enters a target keep-alive the capture contradicts: it is shown as their answer, and the measured
  // idle timer keeps deciding the verdict.
  await panel.getByTestId("answer-target").fill("30000");
  await panel.getByRole("button", { name: "Save answers" }).click();
  await expect(panel.getByTestId("step-keepalive-order")).toContainText("disagrees with the capture");
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "keepalive-mismatch");
  await expect(panel.getByTestId("hop-target")).toContainText("inferred from the capture");
  await page.getByRole("button", { name: "Copy the fix for 127.0.0.1:28081" }).click();
  await expect(page.getByRole("button", { name: "Copy the fix for 127.0.0.1:28081" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("server.keepAliveTimeout");

  // The answer is saved with the incident.
  await page.reload();
  await expect(page.getByTestId("answer-target")).toHaveValue("30000");
  await expect(page.getByTestId("step-keepalive-order")).toContainText("disagrees with the capture");
});

test("PUT /api/incidents/{id}/answers validates its input", async ({ request }) => {
  const res = await request.put("/api/incidents/inc_nope/answers", { data: { targetKeepAliveMs: 2000 } });
  expect(res.status()).toBe(404);
  expect((await res.json()).error.code).toBe("not_found");
  const list = await (await request.get("/api/incidents")).json();
  const id = (Array.isArray(list) ? list : list.incidents)[0].id;
  for (const bad of [{ targetKeepAliveMs: -5 }, { targetKeepAliveMs: "2s" }, { lbKeepAliveMs: 1e12 }, { other: 1 }]) {
    const r = await request.put(`/api/incidents/${id}/answers`, { data: bad });
    expect(r.status()).toBe(422);
    const body = await r.json();
    expect(body.error).toMatchObject({ code: "invalid_input" });
    expect(body.error.details).toBeDefined();
  }
});
