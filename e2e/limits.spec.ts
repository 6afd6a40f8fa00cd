// The failed-token budget through the real server (`npm start`, which loads scripts/peer-address.mjs): a client
// that writes a new X-Forwarded-For on every request still spends one budget, its socket's. Its own server, so
// the shared e2e servers' budget for 127.0.0.1 stays untouched.
import { expect, test } from "@playwright/test";
import { OwnServer, scratchDatabase, tempDir } from "./helpers/server";

const PORT = Number(process.env.E2E_PORT ?? 3100) + 53;

test("a forged X-Forwarded-For does not renew the failed-token budget", async () => {
  test.setTimeout(300_000);
  const server = new OwnServer({ port: PORT, dataDir: tempDir("emg-xff-"), databaseUrl: await scratchDatabase("xff") });
  try {
    await server.start();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await fetch(`${server.base}/s/${"A".repeat(42)}${i % 10}`, { headers: { "x-forwarded-for": `203.0.113.${i}` }, redirect: "manual" });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20)).toEqual(new Array(20).fill(404));
    expect(statuses.slice(20)).toEqual([429, 429]);
  } finally {
    await server.stop();
  }
});
