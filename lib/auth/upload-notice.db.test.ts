/**
 * The customer upload page promises only what happens: secrets replaced when stored, client ids kept in the
 * stored log and masked in the shared view. The page is rendered from its route; the claims are checked against
 * the redactor and the share-view mask themselves.
 */
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openRouteTestDb, type RouteTestEnv } from "@/lib/testing/routes";
import { LineRedactor, REDACTED } from "@/lib/redact";
import { maskLine } from "@/lib/explore/mask";
import { createUploadLink } from "./upload-links";
import { UPLOAD_MASKING_NOTICE } from "./upload-notice";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, has: () => false, getAll: () => [] }),
  headers: async () => new Headers({ "x-emg-peer": "192.0.2.8" }),
}));

let t: RouteTestEnv;
beforeAll(async () => {
  t = await openRouteTestDb({ users: [{ email: "eng@example.com", password: "engineer password", role: "admin" }] });
});
afterAll(async () => t?.cleanup());

describe("the customer upload page", () => {
  it("says what is masked, truthfully", async () => {
    const { token } = await createUploadLink(t.handle.prisma, {
      label: "ticket 1",
      expiresAt: new Date(Date.now() + 3600_000),
      maxUses: 1,
    });
    const page = (await import(path.resolve(import.meta.dirname, "../../app/u/[token]/page.tsx"))) as {
      default: (p: unknown) => Promise<ReactElement>;
    };
    const html = renderToStaticMarkup(await page.default({ params: Promise.resolve({ token }) }));
    expect(html).toContain("ticket 1");
    expect(html).not.toMatch(/API keys in the logs are masked when they are stored/);
    expect(html).toContain(UPLOAD_MASKING_NOTICE.replace("'", "&#x27;"));

    // The claims, against the code that makes them true.
    const r = new LineRedactor();
    const secrets = r.redactLine(
      "2026-11-23T19:33:55.000Z [info] agent config password=hunter2 Authorization: Bearer abc.def.ghi",
      1,
    );
    expect(secrets).not.toContain("hunter2");
    expect(secrets).not.toContain("abc.def.ghi");
    expect(secrets).toContain(REDACTED);
    const event =
      "2026-11-23T19:33:57.874Z [error][127.0.0.1:28000][7600][acme][prod][emg_badtarget/items/1][127.0.0.1][demo-client-key][14a95568-eac9-4826-8972-95527389bce5][plugins-middleware][targetResponse][GET][502][][ECONNRESET][]";
    const stored = r.redactLine(event, 2);
    expect(stored).toContain("demo-client-key"); // "stays in the stored logs"
    expect(maskLine(stored)).not.toContain("demo-client-key"); // "masked in the read-only link"
  });
});
