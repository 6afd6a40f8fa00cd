// Open mode has no sign-in: only this machine's own pages may drive it. A page on another port of 127.0.0.1
// (Sec-Fetch-Site: same-site) and a DNS-rebinding page (evil.example resolved to 127.0.0.1) try to read data and
// create an admin; the server's state says whether they managed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { OPEN_PORT } from "./team-server";

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // evil.example resolves to this machine, as a DNS-rebinding attacker's name would after its first answer.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-quic",
      "--host-resolver-rules=MAP evil.example 127.0.0.1",
    ],
  },
});

const OPEN = `http://127.0.0.1:${OPEN_PORT}`;
const ATTACKER_EMAIL = "attacker@evil.example";
const attack = (base: string) => `
  const body = JSON.stringify({ email: "${ATTACKER_EMAIL}", password: "attacker password", role: "admin" });
  window.attack = Promise.allSettled([
    fetch("${base}/api/admin/users", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body }),
    fetch("${base}/api/incidents", { method: "POST", mode: "no-cors", body: new FormData() }),
  ]);`;

async function accounts(request: APIRequestContext): Promise<string[]> {
  const res = await request.get(`${OPEN}/api/admin/users`);
  expect(res.status()).toBe(200); // open mode: still no account
  return ((await res.json()).users as { email: string }[]).map((u) => u.email);
}

test("a page on another port of this host cannot create an admin", async ({ page, request }) => {
  const evil = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>other port</title><script>${attack(OPEN)}</script>`);
  });
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  try {
    const refused = page.waitForResponse(
      (r) => r.url() === `${OPEN}/api/admin/users` && r.request().method() === "POST",
    );
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    expect((await refused).status()).toBe(403);
    await page.evaluate(() => (window as unknown as { attack: Promise<unknown> }).attack);
    expect(await accounts(request)).not.toContain(ATTACKER_EMAIL);
    expect(await accounts(request)).toEqual([]);
  } finally {
    evil.close();
  }
});

test.describe("DNS rebinding", () => {
  test("a page of evil.example resolved to 127.0.0.1 reads nothing and creates no admin", async ({ page, request }) => {
    // Something to steal: an incident uploaded by the person at this machine.
    const form = new FormData();
    form.append("file", new Blob(["secret-looking line\n"]), "notes.txt");
    const up = await fetch(`${OPEN}/api/incidents`, { method: "POST", body: form });
    expect(up.status).toBe(201);
    const { id } = (await up.json()) as { id: string };

    const rebound = `http://evil.example:${OPEN_PORT}`;
    const landing = await page.goto(`${rebound}/`);
    expect(landing?.status()).toBe(421);
    // The attacker's script now runs as a same-origin page of evil.example:PORT.
    const seen = await page.evaluate(async (incident) => {
      const list = await fetch("/api/incidents");
      const one = await fetch(`/api/incidents/${incident}`);
      const create = await fetch("/api/admin/users", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "attacker@evil.example", password: "attacker password", role: "admin" }),
      });
      return { list: [list.status, await list.text()], one: [one.status, await one.text()], create: create.status };
    }, id);
    expect(seen.list[0]).toBe(421);
    expect(seen.one[0]).toBe(421);
    expect(seen.create).toBe(421);
    expect(JSON.parse(seen.list[1] as string).error.code).toBe("unknown_host");
    expect(`${seen.list[1]}${seen.one[1]}`).not.toContain(id);
    expect(await accounts(request)).toEqual([]);
    // The same request for a localhost name is answered as before.
    expect((await request.get(`http://localhost:${OPEN_PORT}/api/incidents/${id}`)).status()).toBe(200);
    await request.delete(`${OPEN}/api/incidents/${id}`);
  });
});
