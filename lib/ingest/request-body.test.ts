/**
 * The upload routes read a body as Node received it when scripts/request-body.mjs (loaded by `npm start`) registered
 * the request, and Next's web stream otherwise. Through a real HTTP server, with the request handed over as Next does
 * (a web Request whose body is the Node request).
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BODY_HEADER as PRELOAD_BODY_HEADER } from "../../scripts/request-body.mjs";
import { BODY_HEADER, requestBody } from "./request-body";

interface Seen {
  token: string | undefined;
  body: string | null;
  webBodyUsed: boolean;
}
const seen: Seen[] = [];
let server: http.Server;
let url = "";
// What the route sees once a test has swapped the token (an unknown one stands for "not registered").
let forgeToken: string | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const token = req.headers[BODY_HEADER] as string | undefined;
    const headers = new Headers(req.headers as Record<string, string>);
    if (forgeToken !== null) headers.set(BODY_HEADER, forgeToken);
    const request = new Request(url, {
      method: req.method,
      headers,
      ...(req.method === "POST" ? { body: req as unknown as ReadableStream, duplex: "half" } : {}),
    } as RequestInit);
    const body = requestBody(request);
    void (body ? text(body) : Promise.resolve(null)).then(
      (b) => {
        seen.push({ token, body: b, webBodyUsed: request.bodyUsed });
        res.end();
      },
      (e: Error) => seen.push({ token, body: `failed: ${e.message}`, webBodyUsed: request.bodyUsed }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/incidents`;
});
afterAll(() => server.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body, headers }).then((r) => r.arrayBuffer());

describe("requestBody", () => {
  it("reads a registered request's Node body, not the web stream, and replaces a token the client sent", async () => {
    expect(PRELOAD_BODY_HEADER).toBe(BODY_HEADER);
    seen.length = 0;
    forgeToken = null;
    await post("x".repeat(300_000), { [BODY_HEADER]: "forged" });
    await post("second");
    expect(seen.map((s) => s.body)).toEqual(["x".repeat(300_000), "second"]);
    expect(seen.every((s) => !s.webBodyUsed)).toBe(true);
    expect(seen[0].token).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[1].token).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[0].token).not.toBe(seen[1].token);
  });

  it("falls back to the web stream for a token it does not hold", async () => {
    seen.length = 0;
    forgeToken = "0".repeat(32);
    await post("through the web stream");
    forgeToken = null;
    expect(seen).toEqual([{ token: expect.any(String), body: "through the web stream", webBodyUsed: true }]);
  });

  it("fails the body of a client gone mid-body instead of waiting for the rest forever", async () => {
    seen.length = 0;
    forgeToken = null;
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.write("POST /api/incidents HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + "y".repeat(5000));
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 2000 });
    expect(seen[0].body).toMatch(/^failed: aborted/);
    expect(seen[0].webBodyUsed).toBe(false);
  });

  it("registers no GET, and a GET has no body", async () => {
    seen.length = 0;
    await fetch(url, { headers: { [BODY_HEADER]: "forged" } }).then((r) => r.arrayBuffer());
    expect(seen).toEqual([{ token: undefined, body: null, webBodyUsed: false }]);
  });
});
