// The customer's path end to end (issue #17): the real microgateway-core 3.3.7 (the recording lab's pieces)
// in front of a racing backend, the collector downloaded from the app and run on that "host" with a customer
// upload link, and the app's verdict for what it uploaded. Needs root + tcpdump and the npm registry once
// (the lab's gateway install). Loopback only. Every process started here is stopped in `finally`.
import { test, expect } from "@playwright/test";
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { ADMIN, TEAM_URL, signIn } from "./team-server";
import { findTcpdump } from "../lib/collector/preflight";

const lab = fileURLToPath(new URL("../scripts/lab", import.meta.url));
const SCENARIO = "race-300ms"; // a target closing idle sockets after 300 ms: 502s within seconds
const tcpdump = findTcpdump(process.env.PATH);

test.use({ baseURL: TEAM_URL });
test.skip(!tcpdump, "tcpdump is not installed: the collector's capture cannot run here");

function ensureGateway() {
  const pj = path.join(lab, ".gateway/node_modules/microgateway-core/package.json");
  if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).version === "3.3.7") return;
  execFileSync(
    "npm",
    ["install", "--prefix", path.join(lab, ".gateway"), "--no-audit", "--no-fund", "microgateway-core@3.3.7"],
    { stdio: "inherit", timeout: 240_000 },
  );
}

/** Resolves when the child sends `{ready}` (lab children do), rejects if it exits first. */
function ready(kind: string, p: ChildProcess, timeoutMs = 15_000) {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} not ready after ${timeoutMs} ms`)), timeoutMs);
    p.on("message", (m: { ready?: boolean }) => m?.ready && (clearTimeout(t), resolve()));
    p.once("exit", (c) => (clearTimeout(t), reject(new Error(`${kind} exited early (${c})`))));
  });
}

async function stop(p: ChildProcess | undefined) {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  const t = setTimeout(() => p.kill("SIGKILL"), 3000);
  await gone;
  clearTimeout(t);
}

/** Every stored file of a data dir as text, gzip members unpacked (a .tar.gz upload is stored as it came). */
function storedText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.size < 64 * 1024 * 1024) {
        const b = fs.readFileSync(p);
        out.push(b.toString("latin1"));
        if (b[0] === 0x1f && b[1] === 0x8b) out.push(zlib.gunzipSync(b).toString("latin1"));
      }
    }
  };
  walk(dir);
  return out.join("\n");
}

test("collector on a gateway host with a racing backend: uploads through the link, no secret reaches the server, verdict keep-alive race", async ({
  page,
}) => {
  test.setTimeout(300_000);
  ensureGateway();
  const { scenarios } = await import("../scripts/lab/scenarios.mjs");
  const { configYaml, ORG, ENV } = await import("../scripts/lab/config.mjs");
  const { runClient } = await import("../scripts/lab/client.mjs");
  const sc = scenarios[SCENARIO];

  // The upload link an engineer hands to the customer.
  await signIn(page, ADMIN.email, ADMIN.password);
  const links = page.getByTestId("upload-links");
  await links.locator("summary").click();
  await links.getByLabel("Ticket").fill(`collector ${Date.now()}`);
  await links.getByLabel("Uses").fill("1");
  await links.getByRole("button", { name: "Create upload link" }).click();
  const uploadUrl = await links.getByTestId("upload-url").inputValue();

  // The customer page shows the command with this very link in it.
  const customer = await page.context().browser()!.newContext();
  const c = await customer.newPage();
  await c.goto(uploadUrl);
  await expect(c.getByTestId("collector-command")).toContainText(
    `/collector/emg-collect.mjs && sudo node emg-collect.mjs --until-502 5 --upload ${uploadUrl}/upload`,
  );
  await customer.close();

  // The "host": ~/.edgemicro/ORG-ENV-config.yaml (with the lab's fake key and secret), logs in its logging.dir.
  const host = fs.mkdtempSync(path.join(os.tmpdir(), "emg-collector-e2e-"));
  const home = path.join(host, "home");
  const logDir = path.join(host, "logs");
  fs.mkdirSync(path.join(home, ".edgemicro"), { recursive: true });
  const configFile = path.join(home, `.edgemicro/${ORG}-${ENV}-config.yaml`);
  const yaml = configYaml(sc, logDir);
  fs.writeFileSync(configFile, yaml);
  const secrets = [...yaml.matchAll(/^edgemicro_(?:key|secret): (\S+)$/gm)].map((m) => m[1]);
  expect(secrets).toHaveLength(2);

  const collectorFile = path.join(host, "emg-collect.mjs");
  const res = await page.request.get("/collector/emg-collect.mjs");
  expect(res.status()).toBe(200);
  fs.writeFileSync(collectorFile, await res.body());

  let world: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  let collector: ChildProcess | undefined;
  try {
    world = fork(path.join(lab, "world.mjs"), [SCENARIO, host], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    await ready("world", world);
    gateway = fork(path.join(lab, "gateway-run.cjs"), [configFile, ORG, ENV], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    await ready("gateway", gateway);

    collector = spawn(
      "node",
      [
        collectorFile,
        "--until-502",
        "3",
        "--duration",
        "90",
        "--upload",
        uploadUrl,
        "--out",
        path.join(host, "bundle.tar.gz"),
      ],
      {
        env: { ...process.env, HOME: home },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    collector.stdout!.on("data", (d) => (stdout += d));
    collector.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => collector!.once("exit", (code) => r(code)));
    await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(/capturing until 3 new 502/);
    // The customer reproduces the problem: the lab client drives the gateway until the collector has its 502s.
    let done = false;
    void exited.then(() => (done = true));
    while (!done) await runClient(sc, sc.gateway.port, 3000, path.join(host, "client.jsonl"));
    const code = await exited;
    expect(stderr, stderr).toContain(`config: ${configFile} (the only ORG-ENV-config.yaml`);
    expect(stderr).toContain(`logs: 1 file(s) in ${logDir} (edgemicro.logging.dir of the config)`);
    expect(stderr).toContain(
      "tcpdump -i any -s 0 -U -n -B 16384 -w capture.pcap 'tcp and (host 127.0.0.2 and port 9000)'",
    );
    expect(stderr).toMatch(/capture stopped \(502s\): \d+ packets, [3-9]\d* new 502s/);
    expect(stderr).toMatch(/config\/lab-test-config\.yaml: secret-key-value ×2/);
    expect(code).toBe(0);
    const shareUrl = stdout.trim();
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

    // tcpdump did not outlive the collector.
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toContain(
      path.join(os.tmpdir(), "emg-collect-"),
    );

    // The read-only result shows the verdict for the uploaded bundle.
    await page.goto(shareUrl);
    await expect(page).toHaveURL(/\/incidents\/inc_/);
    await expect(page.getByText("parsing…")).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId("verdict")).toHaveAttribute("data-cause", "keepalive-mismatch");
    // Its own report is read, not listed among the files nobody recognised.
    await expect(
      page.getByText(
        /^emg-collect on \S+, [\d-]+ [\d:]+ UTC · capture stopped: 502s, \d+ new 502s · \d+ packets captured, 0 dropped$/,
      ),
    ).toBeVisible();
    await expect(page.locator('[data-testid="input-problem"][data-file$="emg-collect-report.txt"]')).toHaveCount(0);

    // No secret of the config reached the server, in any stored blob.
    const stored = storedText(`${process.env.E2E_DATA_DIR}-team`);
    expect(stored.length).toBeGreaterThan(0);
    for (const s of secrets) expect(stored.includes(s), "a config secret is in the server's data dir").toBe(false);
    // The collector's report in the bundle carries tcpdump's own counts (a loopback capture drops nothing).
    expect(stored).toMatch(/tcpdump: \d+ packets captured, \d+ received by filter, 0 dropped by kernel/);
  } finally {
    await stop(collector);
    await stop(gateway);
    await stop(world);
    fs.rmSync(host, { recursive: true, force: true });
  }
});
