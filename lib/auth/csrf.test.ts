import { describe, expect, it } from "vitest";
import { crossSiteRefusal } from "./csrf";
import type { HostEnv } from "./hosts";

const h = (o: Record<string, string>) => new Headers(o);
const E: HostEnv = { HOST: "127.0.0.1", ALLOWED_HOSTS: "", TRUST_PROXY: "0" };

describe("crossSiteRefusal", () => {
  it("refuses a cross-site POST/PUT/PATCH/DELETE by Sec-Fetch-Site", () => {
    for (const m of ["POST", "PUT", "PATCH", "DELETE"])
      expect(crossSiteRefusal(m, h({ "sec-fetch-site": "cross-site", host: "localhost:3000" }), E)).toMatch(
        /another site/,
      );
  });
  it("refuses a page on another port of the same host (Sec-Fetch-Site: same-site)", () => {
    expect(
      crossSiteRefusal(
        "POST",
        h({ "sec-fetch-site": "same-site", origin: "http://127.0.0.1:8080", host: "127.0.0.1:3000" }),
        E,
      ),
    ).toMatch(/another port/);
    // Older browsers: only Origin, and another port is another origin.
    expect(crossSiteRefusal("POST", h({ origin: "http://localhost:8080", host: "localhost:3000" }), E)).toMatch(
      /localhost:8080/,
    );
  });
  it("lets same-origin browser requests, reads and scripts through", () => {
    expect(crossSiteRefusal("POST", h({ "sec-fetch-site": "same-origin", host: "localhost:3000" }), E)).toBeNull();
    expect(
      crossSiteRefusal(
        "POST",
        h({ "sec-fetch-site": "same-origin", origin: "http://localhost:3000", host: "localhost:3000" }),
        E,
      ),
    ).toBeNull();
    expect(crossSiteRefusal("POST", h({ "sec-fetch-site": "none", host: "localhost:3000" }), E)).toBeNull();
    expect(crossSiteRefusal("GET", h({ "sec-fetch-site": "cross-site" }), E)).toBeNull(); // links from tickets
    expect(crossSiteRefusal("POST", h({ host: "localhost:3000" }), E)).toBeNull(); // curl
  });
  it("falls back to Origin against Host, X-Forwarded-Host only behind a trusted proxy, and PUBLIC_ORIGIN", () => {
    expect(crossSiteRefusal("POST", h({ origin: "http://localhost:3000", host: "localhost:3000" }), E)).toBeNull();
    const proxied = h({
      origin: "https://emg.example.com",
      host: "10.0.0.5:3000",
      "x-forwarded-host": "emg.example.com",
    });
    expect(crossSiteRefusal("POST", proxied, E)).toMatch(/emg\.example\.com/);
    expect(crossSiteRefusal("POST", proxied, { ...E, TRUST_PROXY: "1" })).toBeNull();
    expect(
      crossSiteRefusal("POST", h({ origin: "https://emg.example.com", host: "10.0.0.5:3000" }), {
        ...E,
        PUBLIC_ORIGIN: "https://emg.example.com",
      }),
    ).toBeNull();
    expect(crossSiteRefusal("DELETE", h({ origin: "https://evil.example", host: "localhost:3000" }), E)).toMatch(
      /evil\.example/,
    );
    expect(crossSiteRefusal("POST", h({ origin: "null", host: "localhost:3000" }), E)).toMatch(/unreadable/);
  });
});
