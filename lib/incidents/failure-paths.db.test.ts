/**
 * "502s by request path" counts and cuts to the top paths per target in the database. Checked against what the
 * test itself wrote into a gateway log (not against the parser or the query): many failing paths per target (ids
 * in the path, as real APIs have), query strings, the root and a `//` path, ties at the cut.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TestEnv } from "@/lib/testing/test-db";
import { openIngested } from "@/lib/testing/worker";
import { failuresByPath } from "@/lib/analysis/chart-data";
import { failurePaths } from "@/lib/incidents/evidence-charts";
import { addFiles, blobStore } from "@/lib/ingest/bundle";
import { storeFiles } from "@/lib/testing/samples";
import { parseQueued } from "@/lib/testing/worker";

interface Written {
  target: string;
  url: string;
  status: 200 | 502 | 504;
}

/** The transactions the log holds: per target, path k fails a number of times that repeats (ties at the cut). */
function transactions(): Written[] {
  const out: Written[] = [];
  const targets = ["10.0.0.21:8080", "10.0.0.22:9000"];
  targets.forEach((target, ti) => {
    const paths = ti === 0 ? 30 : 3;
    for (let k = 0; k < paths; k++) {
      const fails = 1 + (k % 4);
      for (let n = 0; n < fails; n++) {
        // as the gateway writes a URL: without its first `/`, with or without a query string
        const url = n % 2 === 0 ? `orders/${k}?try=${n}` : `orders/${k}`;
        out.push({ target, url, status: (k + n) % 5 === 0 ? 504 : 502 });
      }
      out.push({ target, url: `orders/${k}`, status: 200 });
    }
  });
  // a request for `/` and one for `//orders/0`: other paths than `/orders/0`
  out.push({ target: targets[1], url: "", status: 502 });
  out.push({ target: targets[1], url: "/orders/0", status: 502 });
  return out;
}

function logLines(txs: Written[], first = 0): string {
  const t0 = Date.parse("2026-11-23T19:00:00.000Z") + first * 10;
  const lines: string[] = [];
  txs.forEach((tx, i) => {
    const id = `${(first + i + 0x20000000).toString(16)}-4fa5-4dfe-abca-6d2852d5e513`;
    const ts = (d: number) => new Date(t0 + i * 10 + d).toISOString();
    const pre = (d: number, lvl: string, host: string) =>
      `${ts(d)} [${lvl}][${host}][7600][acme][prod][${tx.url}][10.0.0.7][demo-client][${id}]`;
    lines.push(`${pre(0, "info", "10.1.2.3:8000")}[plugins-middleware][sourceRequest][GET][][][][]`);
    lines.push(`${pre(1, "info", tx.target)}[plugins-middleware][targetRequest][GET][][][][]`);
    if (tx.status === 502) {
      lines.push(
        `${pre(5, "error", tx.target)}[plugins-middleware][targetRequest error][GET][][socket hang up][ECONNRESET][4]`,
      );
      lines.push(`${pre(5, "error", "10.1.2.3:8000")}[microgateway-core][][GET][502][socket hang up][ECONNRESET][]`);
    } else if (tx.status === 504) {
      lines.push(`${pre(9, "error", "10.1.2.3:8000")}[microgateway-core][][GET][504][Gateway Timeout][ETIMEDOUT][9]`);
    } else {
      lines.push(`${pre(7, "info", tx.target)}[plugins-middleware][targetResponse][GET][200][][][6]`);
      lines.push(`${pre(8, "info", "10.1.2.3:8000")}[plugins-middleware][sourceResponse][GET][200][][][8]`);
    }
  });
  return lines.join("\n") + "\n";
}

/** What the chart should show, from the written transactions alone. */
function expected(txs: Written[], topN: number) {
  const counts = new Map<string, { target: string; path: string; s502: number; s504: number }>();
  for (const tx of txs) {
    if (tx.status === 200) continue;
    const cut = tx.url.split("?")[0];
    const p = `/${cut}`;
    const key = `${tx.target} ${p}`;
    const c = counts.get(key) ?? { target: tx.target, path: p, s502: 0, s504: 0 };
    if (tx.status === 502) c.s502++;
    else c.s504++;
    counts.set(key, c);
  }
  return failuresByPath([...counts.values()], topN);
}

const txs = transactions();
let t: TestEnv;
let id: string;
const dir = mkdtempSync(path.join(os.tmpdir(), "emg-paths-"));
beforeAll(async () => {
  const file = path.join(dir, "edgemicro-paths-1-api.log");
  writeFileSync(file, logLines(txs));
  ({ t, incidentId: id } = await openIngested([file]));
}, 120_000);
afterAll(async () => t?.cleanup());

it("keeps the top paths per target and sums the rest, as written", async () => {
  const got = await failurePaths(t.handle.prisma, id);
  expect(got).toEqual(expected(txs, 8));
  // the busy target really is cut: 30 paths, 8 shown, 22 summed
  const busy = got.find((p) => p.target === "10.0.0.21:8080")!;
  expect(busy.paths).toHaveLength(8);
  expect(busy.otherPaths).toBe(22);
  // an empty URL is the root path; a URL the log writes with a slash was asked for with two
  const other = got.find((p) => p.target === "10.0.0.22:9000")!.paths.map((p) => p.path);
  expect(other).toEqual(expect.arrayContaining(["/", "//orders/0", "/orders/0"]));
});

it("cuts at any size, ties broken by path", async () => {
  for (const n of [1, 3, 29, 40]) expect(await failurePaths(t.handle.prisma, id, n)).toEqual(expected(txs, n));
});

it("counts a log parsed after the chart was first drawn", async () => {
  // Kept per incident under its parsed files (#18): a file added later (a rotated log uploaded next) is a new key.
  expect(await failurePaths(t.handle.prisma, id)).toEqual(expected(txs, 8));
  const later: Written[] = [
    ...Array.from({ length: 12 }, (): Written => ({ target: "10.0.0.22:9000", url: "refunds/7", status: 504 })),
    { target: "10.0.0.23:7000", url: "stock?sku=1", status: 502 },
  ];
  const file = path.join(dir, "edgemicro-paths-2-api.log");
  writeFileSync(file, logLines(later, txs.length));
  const store = blobStore(t.dataDir);
  await addFiles(t.handle.prisma, store, id, await storeFiles(store, [file]));
  await parseQueued(t.handle.prisma, t.dataDir);
  const got = await failurePaths(t.handle.prisma, id);
  expect(got).toEqual(expected([...txs, ...later], 8));
  expect(got.find((p) => p.target === "10.0.0.22:9000")!.paths[0]).toMatchObject({ path: "/refunds/7", s504: 12 });
  expect(got.map((p) => p.target)).toContain("10.0.0.23:7000");
});
