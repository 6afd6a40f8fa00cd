import { describe, expect, it } from "vitest";
import { crossSiteRefusal } from "./csrf";

const h = (o: Record<string, string>) => new Headers(o);

describe("crossSiteRefusal", () => {
  it("refuses a cross-site POST/PUT/PATCH/DELETE by Sec-Fetch-Site", () => {
    for (const m of ["POST", "PUT", "PATCH", "DELETE"]) expect(crossSiteRefusal(m, h({ "sec-fetch-site": "cross-site", host: "localhost:3000" }))).toMatch(/another site/);
  });
  it("lets same-origin browser requests, reads and scripts through", () => {
    expect(crossSiteRefusal("POST", h({ "sec-fetch-site": "same-origin", host: "localhost:3000" }))).toBeNull();
    expect(crossSiteRefusal("GET", h({ "sec-fetch-site": "cross-site" }))).toBeNull(); // links from tickets
    expect(crossSiteRefusal("POST", h({ host: "localhost:3000" }))).toBeNull(); // curl
  });
  it("falls back to Origin against Host / X-Forwarded-Host", () => {
    expect(crossSiteRefusal("POST", h({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBeNull();
    expect(crossSiteRefusal("POST", h({ origin: "https://emg.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "emg.example.com" }))).toBeNull();
    expect(crossSiteRefusal("DELETE", h({ origin: "https://evil.example", host: "localhost:3000" }))).toMatch(/evil\.example/);
    expect(crossSiteRefusal("POST", h({ origin: "null", host: "localhost:3000" }))).toMatch(/unreadable|null/);
  });
});
