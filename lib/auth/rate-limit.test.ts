import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientIp } from "./rate-limit";
import { PEER_HEADER } from "./peer";
import { PEER_HEADER as PRELOAD_PEER_HEADER } from "../../scripts/peer-address.mjs";

describe("clientIp", () => {
  it("is the socket's address; a client's X-Forwarded-For is ignored unless TRUST_PROXY=1", () => {
    const spoofed = new Headers({ [PEER_HEADER]: "192.0.2.9", "x-forwarded-for": "6.6.6.6" });
    expect(clientIp(spoofed, { TRUST_PROXY: "0" })).toBe("192.0.2.9");
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6" }), { TRUST_PROXY: "0" })).toBe("unknown");
  });
  it("behind a trusted proxy takes the hop it appended (the last)", () => {
    expect(
      clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.1", [PEER_HEADER]: "127.0.0.1" }), {
        TRUST_PROXY: "1",
      }),
    ).toBe("10.0.0.1");
    expect(clientIp(new Headers({ [PEER_HEADER]: "127.0.0.1" }), { TRUST_PROXY: "1" })).toBe("127.0.0.1");
  });
});

describe("scripts/peer-address.mjs", () => {
  it("marks each request with its socket address and drops client-written forwarded headers", async () => {
    expect(PRELOAD_PEER_HEADER).toBe(PEER_HEADER);
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await fetch(url, {
        headers: {
          "x-forwarded-for": "6.6.6.6",
          "x-forwarded-host": "localhost",
          "x-forwarded-proto": "https",
          [PEER_HEADER]: "6.6.6.6",
        },
      });
      process.env.TRUST_PROXY = "1";
      await fetch(url, { headers: { "x-forwarded-for": "6.6.6.6" } });
    } finally {
      delete process.env.TRUST_PROXY;
      server.close();
    }
    expect(seen[0][PEER_HEADER]).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(seen[0]).not.toHaveProperty("x-forwarded-for");
    expect(seen[0]).not.toHaveProperty("x-forwarded-host");
    expect(seen[0]).not.toHaveProperty("x-forwarded-proto");
    expect(seen[1]["x-forwarded-for"]).toBe("6.6.6.6");
  });
});
