import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { CollectError, findConfig, findLogs } from "./discover";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "collector-disc-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const config = (logDir?: string) =>
  [
    "edge_config:",
    "  bootstrap: https://x/edgemicro/bootstrap/organization/acme/environment/prod",
    "edgemicro:",
    "  port: 8000",
    "  logging:",
    "    level: info",
    ...(logDir ? [`    dir: ${logDir}`] : []),
    "proxies:",
    "  - name: p",
    "    base_path: /p",
    "    url: http://10.0.0.5:8080/",
    "",
  ].join("\n");

function write(file: string, text: string, mtime?: number) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mtime) fs.utimesSync(file, mtime, mtime);
}

describe("findConfig", () => {
  it("takes the only ORG-ENV-config.yaml of ~/.edgemicro, not default.yaml", () => {
    const home = tmp();
    write(path.join(home, ".edgemicro/default.yaml"), config());
    write(path.join(home, ".edgemicro/acme-prod-config.yaml"), config("/var/log/emg"));
    const c = findConfig({ home });
    expect(path.basename(c.path)).toBe("acme-prod-config.yaml");
    expect(c.why).toMatch(/only ORG-ENV-config/);
    expect(c.config?.edgemicro.logging.dir).toBe("/var/log/emg");
  });

  it("takes the newest of several and names the others", () => {
    const home = tmp();
    write(path.join(home, ".edgemicro/acme-test-config.yaml"), config(), 1_700_000_000);
    write(path.join(home, ".edgemicro/acme-prod-config.yaml"), config(), 1_800_000_000);
    const c = findConfig({ home });
    expect(path.basename(c.path)).toBe("acme-prod-config.yaml");
    expect(c.why).toMatch(/newest of 2/);
    expect(c.others.map((o) => path.basename(o))).toEqual(["acme-test-config.yaml"]);
  });

  it("takes --config over ~/.edgemicro, and says when it does not exist", () => {
    const home = tmp();
    write(path.join(home, ".edgemicro/acme-prod-config.yaml"), config());
    write(path.join(home, "elsewhere.yaml"), config("/x"));
    expect(findConfig({ home, configPath: path.join(home, "elsewhere.yaml") }).why).toBe("given with --config");
    expect(() => findConfig({ home, configPath: path.join(home, "nope.yaml") })).toThrow(
      /--config does not exist: .*nope\.yaml/,
    );
  });

  it("explains when only the default.yaml template is there", () => {
    const home = tmp();
    write(path.join(home, ".edgemicro/default.yaml"), config());
    expect(() => findConfig({ home })).toThrow(CollectError);
    expect(() => findConfig({ home })).toThrow(/only default\.yaml, which is a template.*--config PATH/);
  });
});

describe("findLogs", () => {
  it("reads edgemicro.logging.dir, with rotated and gzipped logs, this host's first", () => {
    const home = tmp();
    const logDir = tmp();
    write(path.join(home, ".edgemicro/acme-prod-config.yaml"), config(logDir));
    write(path.join(logDir, "edgemicro-gw1-uid-1-api.log"), "a\n");
    write(path.join(logDir, "edgemicro-gw1-uid-2-api.log"), "b\n");
    fs.writeFileSync(path.join(logDir, "edgemicro-gw1-uid-0-api.log.gz"), zlib.gzipSync("c\n"));
    write(path.join(logDir, "edgemicro-other-uid-1-api.log"), "d\n");
    write(path.join(logDir, "unrelated.log"), "e\n");
    const logs = findLogs({ config: findConfig({ home }).config, hostname: "gw1" });
    expect(logs.dir).toBe(logDir);
    expect(logs.why).toBe("edgemicro.logging.dir of the config");
    expect(logs.files.map((f) => path.basename(f))).toEqual([
      "edgemicro-gw1-uid-0-api.log.gz",
      "edgemicro-gw1-uid-1-api.log",
      "edgemicro-gw1-uid-2-api.log",
    ]);
  });

  it("takes every gateway log when none is named after this host; --log-dir wins over the config", () => {
    const a = tmp();
    const b = tmp();
    write(path.join(b, "edgemicro-vm-1-api.log"), "x\n");
    const cfg = findConfig({
      home: a,
      configPath: (write(path.join(a, "c.yaml"), config(a)), path.join(a, "c.yaml")),
    }).config;
    const logs = findLogs({ logDir: b, config: cfg, hostname: "gw1" });
    expect(logs.why).toBe("given with --log-dir");
    expect(logs.files).toEqual([path.join(b, "edgemicro-vm-1-api.log")]);
  });

  it("falls back to /var/tmp without logging.dir, and says where it looked when nothing is there", () => {
    const home = tmp();
    write(path.join(home, ".edgemicro/acme-prod-config.yaml"), config());
    const cfg = findConfig({ home }).config;
    expect(() => findLogs({ config: cfg, logDir: home })).toThrow(
      new RegExp(`No gateway log \\(edgemicro-\\*-api\\.log\\) found in ${home} \\(given with --log-dir\\)`),
    );
    expect(() => findLogs({ config: cfg, logDir: path.join(home, "missing") })).toThrow(
      /does not exist.*--log-dir DIR/,
    );
    const def = tmp();
    write(path.join(def, "edgemicro-vm-1-api.log"), "x\n");
    const logs = findLogs({ config: cfg, defaultDir: def });
    expect(logs).toMatchObject({ dir: def, why: "the default (edgemicro.logging.dir is not set in the config)" });
  });
});
