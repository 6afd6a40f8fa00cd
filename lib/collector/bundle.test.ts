// The built collector (scripts/collector/build.mjs) run as the customer runs it, with --no-capture: its
// bundle must hold exactly what the server's redaction makes of the same files, and no secret.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LineRedactor } from "@/lib/redact";
import { redactLines } from "@/lib/redact/stream";
import { uploadBundle } from "./upload";

const repo = path.resolve(__dirname, "../..");
const KEY = "0b8e2f6c1d9a4e7b3c5f8a2d6e1b9c4f7a3d5e8b2c6f1a9d4e7b3c8f5a2d6e1b";
let work: string;
let collector: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "collector-bundle-"));
  collector = path.join(work, "emg-collect.mjs");
  execFileSync("node", [path.join(repo, "scripts/collector/build.mjs"), collector]);
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function serverRedaction(data: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of redactLines(
    (async function* () {
      yield data;
    })(),
    new LineRedactor(),
  ))
    out.push(c);
  return Buffer.concat(out);
}

/** Entries of a .tar.gz, read with the system tar (not our writer's own reader). */
function untar(file: string): Map<string, Buffer> {
  const dir = fs.mkdtempSync(path.join(work, "x-"));
  execFileSync("tar", ["-xzf", file, "-C", dir]);
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe("built collector", () => {
  it("is one file importing nothing but node: builtins", () => {
    const src = fs.readFileSync(collector, "utf8");
    const imports = [
      ...src.matchAll(/(?:^|\n)\s*import\s[^;]*?from\s+["']([^"']+)["']|require\(["']([^"']+)["']\)/g),
    ].map((m) => m[1] ?? m[2]);
    expect(imports.length).toBeGreaterThan(0);
    expect(
      imports.filter(
        (s) =>
          !s.startsWith("node:") &&
          ![
            "fs",
            "path",
            "os",
            "zlib",
            "http",
            "https",
            "crypto",
            "child_process",
            "net",
            "dns",
            "process",
            "stream",
            "url",
            "util",
            "events",
            "buffer",
          ].includes(s),
      ),
    ).toEqual([]);
  });

  it("--no-capture: config and rotated/gzipped logs redacted exactly as the server does, and the list of what it redacted", () => {
    const lab = path.join(repo, "lib/analysis/__fixtures__/lab/race-1s");
    const home = path.join(work, "home");
    const logDir = path.join(work, "logs");
    fs.mkdirSync(path.join(home, ".edgemicro"), { recursive: true });
    fs.mkdirSync(logDir);
    const config = fs
      .readFileSync(path.join(lab, "lab-test-config.yaml"), "latin1")
      .replace(/dir: .*/, `dir: ${logDir}`)
      .concat(
        "targets:\n  - host: 127.0.0.2\n    ssl:\n      client:\n        key: |\n          -----BEGIN PRIVATE KEY-----\n          MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n          -----END PRIVATE KEY-----\n        passphrase: hunter2hunter2\nproxy_url: http://squid:s3cretpass@proxy:3128\n",
      );
    fs.writeFileSync(path.join(home, ".edgemicro/lab-test-config.yaml"), config);
    const log = fs.readdirSync(lab).find((f) => f.endsWith("-api.log"))!;
    const logText = fs.readFileSync(path.join(lab, log));
    fs.writeFileSync(path.join(logDir, log), logText);
    fs.writeFileSync(
      path.join(logDir, log.replace("-1-api.log", "-0-api.log.gz")),
      zlib.gzipSync(Buffer.from("2026-11-23T19:00:00.000Z [error] Authorization: Bearer abc.def.ghi\n")),
    );
    const out = path.join(work, "b.tar.gz");
    const r = spawnSync("node", [collector, "--no-capture", "--out", out], {
      env: { ...process.env, HOME: home },
      encoding: "utf8",
    });
    expect(r.stderr).toContain(
      `config: ${path.join(home, ".edgemicro/lab-test-config.yaml")} (the only ORG-ENV-config.yaml`,
    );
    expect(r.stderr).toContain(`logs: 2 file(s) in ${logDir} (edgemicro.logging.dir of the config)`);
    expect(r.stderr).toMatch(/config\/lab-test-config\.yaml: secret-key-value ×\d+ \(lines/);
    expect(r.stderr).toMatch(/config\/lab-test-config\.yaml: secret-block-scalar ×1 \(line 54\)/);
    expect(r.stderr).toMatch(/config\/lab-test-config\.yaml: url-credentials ×1/);
    expect(r.stderr).toMatch(/logs\/edgemicro-.*-0-api\.log: bearer-token ×1/);
    expect(r.status).toBe(0);

    const entries = untar(out);
    expect([...entries.keys()].sort()).toEqual(
      [
        "config/lab-test-config.yaml",
        "emg-collect-report.txt",
        `logs/${log}`,
        `logs/${log.replace("-1-api.log", "-0-api.log")}`,
      ].sort(),
    );
    return (async () => {
      expect(entries.get("config/lab-test-config.yaml")).toEqual(await serverRedaction(Buffer.from(config, "latin1")));
      expect(entries.get(`logs/${log}`)).toEqual(await serverRedaction(logText));
      const all = Buffer.concat([...entries.values()]).toString("latin1");
      for (const secret of [KEY, "hunter2hunter2", "s3cretpass", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "abc.def.ghi"])
        expect(all).not.toContain(secret);
    })();
  }, 30_000);

  it("says when no log is found, and exits 1", () => {
    const home = path.join(work, "home2");
    fs.mkdirSync(path.join(home, ".edgemicro"), { recursive: true });
    fs.writeFileSync(
      path.join(home, ".edgemicro/a-b-config.yaml"),
      `edgemicro:\n  logging:\n    dir: ${path.join(work, "empty")}\n`,
    );
    fs.mkdirSync(path.join(work, "empty"));
    const r = spawnSync("node", [collector, "--no-capture"], { env: { ...process.env, HOME: home }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `emg-collect: No gateway log (edgemicro-*-api.log) found in ${path.join(work, "empty")} (edgemicro.logging.dir of the config)`,
    );
  });
});

describe("uploadBundle", () => {
  it("retries after a dropped connection and answers the result link; a spent link is not retried", async () => {
    let posts = 0;
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      posts++;
      if (req.url === "/u/spent/upload") return void res.writeHead(404).end();
      if (posts === 1) return void req.socket.destroy(); // the first try: connection dropped mid-upload
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString("latin1"));
        res
          .writeHead(201, { "content-type": "application/json" })
          .end(JSON.stringify({ shareUrl: "http://127.0.0.1/s/abc" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const retries: string[] = [];
      const progress: number[] = [];
      const data = Buffer.alloc(700_000, 7);
      const link = await uploadBundle(`http://127.0.0.1:${port}/u/tok`, "b.tar.gz", data, {
        wait: async () => undefined,
        onRetry: (_i, why) => retries.push(why),
        onProgress: (sent, total) => progress.push(sent / total),
      });
      expect(link).toBe("http://127.0.0.1/s/abc");
      expect(retries).toHaveLength(1);
      expect(progress.at(-1)).toBe(1);
      expect(bodies[0]).toContain('name="file"; filename="b.tar.gz"');
      expect(bodies[0].length).toBeGreaterThan(data.length);
      posts = 10;
      await expect(
        uploadBundle(`http://127.0.0.1:${port}/u/spent`, "b.tar.gz", data, { wait: async () => undefined }),
      ).rejects.toThrow(/not valid any more/);
      expect(posts).toBe(11);
    } finally {
      server.close();
    }
  });
});
