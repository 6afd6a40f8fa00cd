import { execFileSync } from "node:child_process";
import {
  createReadStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
} from "node:fs";
import { gzipSync } from "node:zlib";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDb, SAMPLE_DIR, type TestEnv } from "@/lib/testing/test-db";
import { blobStore, createIncident, type StoredUpload } from "./bundle";
import { parseQueued } from "@/lib/testing/worker";
import { getIncidentView, listIncidents } from "@/lib/incidents/view";
import { IncidentView } from "@/lib/api/incident-schema";

/*
 * Expected numbers, counted independently on the sample log with grep:
 *   grep -c '\]\[502\]\[' edgemicro-*.log                      → 3   (client-facing 502 lines)
 *   grep -c '\]\[targetRequest\]\[' edgemicro-*.log            → 25  (requests sent to the target)
 *   grep -o '\]\[[0-9a-f-]\{36\}\]\[' edgemicro-*.log | sort -u | wc -l → 25 (correlation ids = transactions)
 *   grep -c '\]\[ECONNRESET\]\[' edgemicro-*.log               → 6   (3 target-side + 3 client-side lines, 3 transactions)
 * The sample README says the same: 25 requests, 22 answered 200, 3 answered 502.
 */
const SAMPLE_FILES = readdirSync(SAMPLE_DIR).filter((f) => f !== "README.md");

let t: TestEnv;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.cleanup());

async function ingest(files: Array<{ name: string; path: string }>): Promise<IncidentView> {
  const store = blobStore(t.dataDir);
  const stored: StoredUpload[] = [];
  for (const f of files) {
    const put = await store.put(createReadStream(f.path));
    stored.push({ name: f.name, sha256: put.sha256, size: put.size });
  }
  const incident = await createIncident(t.handle.prisma, store, stored);
  await parseQueued(t.handle.prisma, t.dataDir);
  const view = await getIncidentView(t.handle.prisma, incident.id);
  return IncidentView.parse(view);
}

function expectSampleNumbers(view: IncidentView) {
  expect(view.summary.status502).toBe(3);
  expect(view.summary.transactions).toBe(25);
  expect(view.summary.errorCodes).toEqual({ ECONNRESET: 3 });
  expect(view.summary.logCoverage).toBe("full");
  expect(view.org).toBe("acme");
  expect(view.env).toBe("prod");
  expect(view.title).toMatch(/^acme\/prod · 2026-11-23 19:33/);
  expect(view.targets).toHaveLength(1);
  const target = view.targets[0];
  expect(target).toMatchObject({
    target: "127.0.0.1:28081",
    proxy: "edgemicro_orders /emg_badtarget",
    requests: 25,
    errors502: 3,
    errorCodes: { ECONNRESET: 3 },
  });
  expect(target.errorRate).toBeCloseTo(3 / 25);
  const bars = view.timeline.buckets.reduce((a, b) => a + b.s502, 0);
  expect(bars).toBe(3);
  expect(view.pending).toBe(false);
}

describe("ingest of the sample bundle", () => {
  it("parses loose files into transactions, timeline and per-target rows", async () => {
    const view = await ingest(SAMPLE_FILES.map((name) => ({ name, path: path.join(SAMPLE_DIR, name) })));
    expectSampleNumbers(view);
    const kinds = Object.fromEntries(view.files.map((f) => [f.name, f.kind]));
    expect(Object.values(kinds).sort()).toEqual(["gateway-config", "gateway-log", "pcap"]);
    expect(view.files.every((f) => f.status === "done")).toBe(true);
  });

  it("gives the same numbers from a .tar.gz and from a .zip of the bundle", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "emg-bundle-"));
    execFileSync("tar", ["czf", path.join(dir, "bundle.tgz"), "-C", SAMPLE_DIR, ...SAMPLE_FILES]);
    execFileSync("zip", [
      "-q",
      "-j",
      path.join(dir, "bundle.zip"),
      ...SAMPLE_FILES.map((f) => path.join(SAMPLE_DIR, f)),
    ]);
    for (const archive of ["bundle.tgz", "bundle.zip"]) {
      const view = await ingest([{ name: archive, path: path.join(dir, archive) }]);
      expectSampleNumbers(view);
      expect(view.files.filter((f) => f.parentId !== null)).toHaveLength(3);
    }
  });

  it("lists incidents newest first with their 502 counts", async () => {
    const list = await listIncidents(t.handle.prisma);
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list[0].createdAt >= list[list.length - 1].createdAt).toBe(true);
    expect(list.every((i) => i.status502 === 3)).toBe(true);
  });
});

describe("error-only logs (the gateway's default level)", () => {
  it("does not invent a rate: requests are unknown and the stats lines give the totals", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "emg-errlog-"));
    const log = readFileSync(
      path.join(
        SAMPLE_DIR,
        SAMPLE_FILES.find((f) => f.endsWith(".log"))!,
      ),
      "utf8",
    );
    // What level `error` would have written: the sample's [error] lines (grep -c '^[^ ]* \[error\]' → 6),
    // plus cumulative stats lines of two processes; the second one restarted (counters from zero).
    const errorLines = log.split("\n").filter((l) => / \[error\]/.test(l));
    expect(errorLines).toHaveLength(6);
    const stats = [
      "2026-11-23T19:34:00.000Z stats 7600 treqErrors=1, tresErrors=0, statusCodes={1=0, 2=10, 3=0, 4=0, 5=2}, requests=12, responses=12, connections=1",
      "2026-11-23T19:35:00.000Z stats 7600 treqErrors=3, tresErrors=0, statusCodes={1=0, 2=22, 3=0, 4=0, 5=3}, requests=25, responses=25, connections=1",
      "2026-11-23T19:36:00.000Z stats 8100 treqErrors=0, tresErrors=0, statusCodes={1=0, 2=4, 3=0, 4=0, 5=1}, requests=5, responses=5, connections=1",
    ];
    writeFileSync(path.join(dir, "error-only.log"), [...errorLines, ...stats].join("\n") + "\n");
    const view = await ingest([{ name: "error-only.log", path: path.join(dir, "error-only.log") }]);
    expect(view.summary.logCoverage).toBe("errors-only");
    expect(view.summary.status502).toBe(3);
    // Per-process deltas: pid 7600 ends at 25 requests / 3 5xx; pid 8100 adds 5 / 1.
    expect(view.summary.statsTotals).toEqual({ requests: 30, responses: 30, s5xx: 4 });
    expect(view.targets[0]).toMatchObject({ target: "127.0.0.1:28081", requests: null, errorRate: null, errors502: 3 });
  });
});

describe("bad input never loses the rest of the bundle", () => {
  it("reports each broken file and still parses the good ones", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "emg-bad-"));
    const log = path.join(
      SAMPLE_DIR,
      SAMPLE_FILES.find((f) => f.endsWith(".log"))!,
    );
    writeFileSync(path.join(dir, "empty.log"), "");
    writeFileSync(path.join(dir, "binary.log"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const gz = gzipSync(Buffer.alloc(200_000, "2026-11-23T19:33:55.775Z info 1 x\n"));
    writeFileSync(path.join(dir, "truncated.log.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    // A 10 MB single line that starts like a log line.
    writeFileSync(path.join(dir, "oneline.log"), "2026-11-23T19:33:55.775Z [info]" + "x".repeat(10 * 1024 * 1024));
    // An archive whose entries try to escape with ../ and absolute paths, plus one good log.
    const evil = path.join(dir, "evil");
    mkdirSync(path.join(evil, "a"), { recursive: true });
    copyFileSync(log, path.join(evil, "a", "good.log"));
    execFileSync("tar", [
      "cf",
      path.join(dir, "evil.tar"),
      "-C",
      evil,
      "a/good.log",
      "--transform",
      "s,^a/good.log,../../escape.log,",
      "-P",
    ]);
    execFileSync("tar", ["rf", path.join(dir, "evil.tar"), "-C", evil, "a/good.log"]);

    const names = ["empty.log", "binary.log", "truncated.log.gz", "oneline.log", "evil.tar"];
    const view = await ingest([
      ...names.map((n) => ({ name: n, path: path.join(dir, n) })),
      { name: "gateway.log", path: log },
    ]);
    const byName = (n: string) => view.files.find((f) => f.name === n)!;

    expect(byName("empty.log")).toMatchObject({ status: "skipped", kind: "empty" });
    expect(byName("binary.log").status).toBe("skipped");
    expect(byName("binary.log").error).toMatch(/not recognized/i);
    expect(byName("truncated.log.gz").status).toBe("failed");
    expect(byName("truncated.log.gz").error).toMatch(/truncat|unexpected end|corrupt/i);
    const oneLine = byName("oneline.log");
    // Nothing of it could be read: the file fails, naming where and why.
    expect(oneLine.status).toBe("failed");
    expect(oneLine.error).toMatch(/line 1 \(byte 0\): line too long/);
    expect(oneLine.counts.malformed).toBe(1);
    const evilTar = byName("evil.tar");
    expect(evilTar.status).toBe("done");
    expect(JSON.stringify(evilTar.counts.skipped)).toMatch(/escape\.log/);
    // Only the inner good log came out of the archive, under the archive's name.
    expect(view.files.filter((f) => f.parentId === evilTar.id).map((f) => f.name)).toEqual(["evil.tar/a/good.log"]);
    // The good files still parsed. The archive's good log is the sample log again: kept as a copy of gateway.log,
    // not counted twice (3 × 502, grep).
    const copy = byName("evil.tar/a/good.log");
    expect(copy).toMatchObject({ status: "skipped", counts: { duplicateOf: byName("gateway.log").id } });
    expect(byName("gateway.log").status).toBe("done");
    expect(view.summary.status502).toBe(3);
  });
});
