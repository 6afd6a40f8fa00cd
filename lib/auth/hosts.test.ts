import { describe, expect, it } from "vitest";
import { hostRefusal, thisOrigin, type HostEnv } from "./hosts";
import { requestRefusal } from "./request-guard";

const E: HostEnv = { HOST: "127.0.0.1", ALLOWED_HOSTS: "", TRUST_PROXY: "0" };
const host = (h: string, extra: Record<string, string> = {}) => new Headers({ host: h, ...extra });

describe("hostRefusal", () => {
  it("answers localhost names and loopback addresses on any port by default", () => {
    for (const h of [
      "localhost:3000",
      "localhost",
      "LOCALHOST:80",
      "app.localhost:3000",
      "127.0.0.1:3000",
      "127.1.2.3",
      "[::1]:3000",
      "localhost.:3000",
    ]) {
      expect(hostRefusal(host(h), E), h).toBeNull();
    }
  });
  it("refuses any other name: a DNS-rebinding page arrives with its own Host", () => {
    for (const h of ["evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io:3000", "10.0.0.5:3000"]) {
      expect(hostRefusal(host(h), E), h).toMatch(/answers only for localhost/);
    }
    expect(hostRefusal(new Headers(), E)).toMatch(/without a Host/);
    expect(hostRefusal(host("a b"), E)).toMatch(/unreadable/);
  });
  it("adds ALLOWED_HOSTS (name: any port; name:port: that port), PUBLIC_ORIGIN's host and a specific listener", () => {
    const e = { ...E, ALLOWED_HOSTS: "emg.corp, lab.example:8443" };
    expect(hostRefusal(host("emg.corp:3000"), e)).toBeNull();
    expect(hostRefusal(host("lab.example:8443"), e)).toBeNull();
    expect(hostRefusal(host("lab.example:3000"), e)).toMatch(/lab\.example:3000/);
    expect(hostRefusal(host("emg.example.com"), { ...E, PUBLIC_ORIGIN: "https://emg.example.com" })).toBeNull();
    expect(hostRefusal(host("10.0.0.5:3000"), { ...E, HOST: "10.0.0.5" })).toBeNull();
    expect(hostRefusal(host("10.0.0.5:3000"), { ...E, HOST: "0.0.0.0" })).toMatch(/10\.0\.0\.5/);
    expect(hostRefusal(host("anything.example"), { ...E, ALLOWED_HOSTS: "*" })).toBeNull();
  });
  it("believes X-Forwarded-Host only with TRUST_PROXY=1", () => {
    const spoof = host("evil.example:3000", { "x-forwarded-host": "localhost:3000" });
    expect(hostRefusal(spoof, E)).toMatch(/evil\.example/);
    expect(
      hostRefusal(host("127.0.0.1:3000", { "x-forwarded-host": "emg.example.com" }), {
        ...E,
        TRUST_PROXY: "1",
        ALLOWED_HOSTS: "emg.example.com",
      }),
    ).toBeNull();
  });
});

describe("thisOrigin", () => {
  it("is PUBLIC_ORIGIN when set, else the Host (and a trusted proxy's proto)", () => {
    expect(thisOrigin(host("localhost:3000"), E)).toBe("http://localhost:3000");
    expect(
      thisOrigin(host("localhost:3000", { "x-forwarded-proto": "https", "x-forwarded-host": "x.example" }), E),
    ).toBe("http://localhost:3000");
    expect(
      thisOrigin(host("10.0.0.5", { "x-forwarded-proto": "https", "x-forwarded-host": "emg.example.com" }), {
        ...E,
        TRUST_PROXY: "1",
      }),
    ).toBe("https://emg.example.com");
    expect(thisOrigin(host("localhost:3000"), { ...E, PUBLIC_ORIGIN: "https://emg.example.com" })).toBe(
      "https://emg.example.com",
    );
  });
});

describe("requestRefusal", () => {
  it("answers 421 for a foreign host (even a read) and 403 for a foreign origin's write", async () => {
    const read = requestRefusal({ method: "GET", headers: host("evil.example:3000") }, E);
    expect(read?.status).toBe(421);
    expect((await read!.json()).error.code).toBe("unknown_host");
    const write = requestRefusal(
      { method: "POST", headers: host("127.0.0.1:3000", { "sec-fetch-site": "same-site" }) },
      E,
    );
    expect(write?.status).toBe(403);
    expect((await write!.json()).error).toMatchObject({
      code: "cross_site",
      message: expect.stringMatching(/Sec-Fetch-Site: same-site/),
    });
    expect(requestRefusal({ method: "POST", headers: host("127.0.0.1:3000") }, E)).toBeNull();
  });
});

describe("proxy.ts", () => {
  it("runs the gate on every path but /api/health, which load balancers probe by address", async () => {
    const { NextRequest } = await import("next/server");
    const { proxy } = await import("@/proxy");
    const req = (p: string) => new NextRequest(`http://10.0.0.5:3000${p}`, { headers: { host: "10.0.0.5:3000" } });
    expect(proxy(req("/api/incidents/inc_1")).status).toBe(421);
    expect(proxy(req("/")).status).toBe(421);
    expect(proxy(req("/api/health")).headers.get("x-middleware-next")).toBe("1");
  });
});
