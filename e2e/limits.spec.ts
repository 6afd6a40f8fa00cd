// Limits through the real server (`npm start`, so scripts/peer-address.mjs is loaded), on its own server with a
// 1 MiB upload limit, so the shared e2e servers' budgets and limits stay untouched.
import { existsSync, readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { OwnServer, scratchDatabase, tempDir } from "./helpers/server";

const PORT = Number(process.env.E2E_PORT ?? 3100) + 53;
let server: OwnServer;
const dataDir = tempDir("emg-limits-");

test.beforeAll(async () => {
  test.setTimeout(300_000);
  server = new OwnServer({
    port: PORT,
    dataDir,
    databaseUrl: await scratchDatabase("limits"),
    env: { MAX_UPLOAD_BYTES: String(1024 * 1024) },
  });
  await server.start();
});
test.afterAll(async () => {
  await server?.stop();
});

test("a forged X-Forwarded-For does not renew the failed-token budget", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 22; i++) {
    const res = await fetch(`${server.base}/s/${"A".repeat(42)}${i % 10}`, {
      headers: { "x-forwarded-for": `203.0.113.${i}` },
      redirect: "manual",
    });
    statuses.push(res.status);
  }
  expect(statuses.slice(0, 20)).toEqual(new Array(20).fill(404));
  expect(statuses.slice(20)).toEqual([429, 429]);
});

test("a chunked upload over the limit is answered 413 while the client is still sending", async () => {
  const boundary = "----emge2e";
  const answer = await new Promise<{ status: number; body: string; sentBytes: number }>((resolve, reject) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const req = http.request(`${server.base}/api/incidents`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      clearInterval(timer);
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode!, body, sentBytes: sent });
        req.destroy(); // the rest of our body is refused anyway
      });
    });
    req.on("error", (e) => (timer ? undefined : reject(e)));
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.log"\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, "x");
    // Keeps sending (up to 64 MiB, 64 times the limit): the old server never answered and this only ended by timeout.
    timer = setInterval(() => {
      if (sent > 64 * 1024 * 1024)
        return void (clearInterval(timer), reject(new Error(`no answer after ${sent} bytes`)));
      req.write(chunk);
      sent += chunk.length;
    }, 2);
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body).error.code).toBe("too_large");
  expect(answer.sentBytes).toBeLessThan(16 * 1024 * 1024);
  expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
});

test("a client gone mid-upload leaves no partial file behind, and the server answers on", async () => {
  const boundary = "----emge2e";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.log"\r\n\r\n`;
  await new Promise<void>((resolve) => {
    const req = http.request(`${server.base}/api/incidents`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(512 * 1024) },
    });
    req.on("error", () => undefined);
    req.write(head + "x".repeat(256 * 1024));
    // Long enough for the route to start writing the file, then the client is gone.
    setTimeout(() => (req.destroy(), resolve()), 500);
  });
  const partials = () => {
    const tmp = path.join(dataDir, "blobs", "tmp");
    return existsSync(tmp) ? readdirSync(tmp).filter((f) => f.endsWith(".part")) : [];
  };
  // Under the Node request read directly (scripts/request-body.mjs) the upload used to wait for the rest forever.
  await expect.poll(partials, { timeout: 5000 }).toEqual([]);
  expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
});
