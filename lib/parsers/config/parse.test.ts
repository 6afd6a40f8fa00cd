import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { redactText } from "@/lib/redact";
import {
  matchProxy,
  orgEnvOf,
  parseGatewayConfig,
  targetOf,
  type ConfigParseResult,
  type GatewayConfig,
} from "./index";

const SAMPLE = path.resolve(__dirname, "../../../../shared/samples/acme-prod-502/acme-prod-config.yaml");
const sample = readFileSync(SAMPLE, "utf8");

function ok(r: ConfigParseResult): GatewayConfig {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors)}`);
  return r.config;
}
function errors(r: ConfigParseResult) {
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

describe("parseGatewayConfig on the sample config", () => {
  for (const [label, text] of [
    ["original", sample],
    ["redacted", redactText(sample).text],
  ] as const) {
    it(`reads the fields that matter (${label})`, () => {
      const c = ok(parseGatewayConfig(text));
      expect(c.org).toBe("acme");
      expect(c.env).toBe("prod");
      expect(c.edgemicro.keep_alive_timeout).toBe(65000);
      expect(c.edgemicro.request_timeout).toBeNull();
      expect(c.edgemicro.port).toBe(28000);
      expect(c.edgemicro.max_connections).toBe(1000);
      expect(c.edgemicro.logging).toEqual({
        level: "info",
        dir: "/var/tmp",
        stats_log_interval: 60,
        rotate_interval: 24,
        stack_trace: false,
      });
      expect(c.edgemicro.plugins.sequence).toEqual(["oauth"]);
      expect(c.proxies).toHaveLength(1);
      expect(c.proxies[0]).toMatchObject({
        name: "edgemicro_orders",
        base_path: "/emg_badtarget",
        url: "http://127.0.0.1:28081/",
        revision: "3",
        max_connections: 1000,
        timeout: 0,
        target: { scheme: "http", host: "127.0.0.1", port: 28081 },
        line: 55,
      });
      expect(c.targets).toEqual([]);
      expect(c.lines).toMatchObject({ keepAliveTimeout: 15, loggingLevel: 17, bootstrap: 2, port: 12, proxies: 54 });
      expect(c.lines.requestTimeout).toBeUndefined();
    });
  }

  it("matches log URLs to the proxy by base_path", () => {
    const c = ok(parseGatewayConfig(sample));
    expect(matchProxy(c, "emg_badtarget/orders?id=1")?.name).toBe("edgemicro_orders");
    expect(matchProxy(c, "emg_badtarget")?.name).toBe("edgemicro_orders");
    expect(matchProxy(c, "emg_badtargetX/a")).toBeNull();
    expect(matchProxy(c, "other")).toBeNull();
  });
});

describe("parseGatewayConfig on hand-written configs", () => {
  it("defaults: unset keep_alive_timeout is null with a warning; ports by scheme; targets", () => {
    const r = parseGatewayConfig(
      [
        "edgemicro:",
        "  request_timeout: '30'",
        "proxies:",
        "  - name: a",
        "    base_path: /a",
        "    url: https://backend.example.com/x",
        "  - name: b",
        "    base_path: /a/b",
        "    url: http://[::1]/",
        "targets:",
        "  - host: backend.example.com",
        "    ssl:",
        "      client:",
        "        key: /etc/k.pem",
      ].join("\n"),
    );
    const c = ok(r);
    expect(c.edgemicro.keep_alive_timeout).toBeNull();
    expect(c.edgemicro.request_timeout).toBe(30);
    expect(c.lines.requestTimeout).toBe(2);
    expect(r.ok && r.warnings.map((w) => w.code)).toContain("keep-alive-default");
    expect(c.proxies.map((p) => p.target)).toEqual([
      { scheme: "https", host: "backend.example.com", port: 443 },
      { scheme: "http", host: "::1", port: 80 },
    ]);
    expect(c.proxies.map((p) => p.line)).toEqual([4, 7]);
    expect(c.targets).toEqual([{ host: "backend.example.com", ssl: { client: { key: "/etc/k.pem" } }, line: 11 }]);
    expect(matchProxy(c, "a/b/c")?.name).toBe("b");
    expect(matchProxy(c, "/a/bc")?.name).toBe("a");
    expect(c.org).toBeNull();
  });

  it("wrong types cite the offending line", () => {
    const errs = errors(
      parseGatewayConfig("edgemicro:\n  port: 8000\n  logging:\n    level: info\n  keep_alive_timeout: abc\n"),
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ line: 5, code: "schema" });
    expect(errs[0].message).toMatch(/^edgemicro\.keep_alive_timeout: must be a number/);
  });

  it("missing proxy fields cite the proxy entry", () => {
    const errs = errors(parseGatewayConfig("proxies:\n  - name: x\n    url: http://h:1/\n"));
    expect(errs).toEqual([{ line: 2, column: 5, code: "schema", message: "proxies.0.base_path: is required" }]);
  });

  it("malformed YAML gives an error with a line number", () => {
    const errs = errors(parseGatewayConfig("edgemicro:\n  port: 8000\n  logging: [info\nproxies:\n"));
    expect(errs[0].line).toBeGreaterThanOrEqual(3);
    expect(errs[0].code).toMatch(/^yaml-/);
    expect(errs[0].message).not.toContain("\n");
    const dup = errors(parseGatewayConfig("a: 1\na: 2\n"));
    expect(dup[0]).toMatchObject({ line: 2, code: "yaml-DUPLICATE_KEY" });
  });

  it("a top-level list or scalar is not a config", () => {
    expect(errors(parseGatewayConfig("- 1\n"))[0].code).toBe("not-a-mapping");
    expect(errors(parseGatewayConfig(""))[0].code).toBe("not-a-mapping");
  });

  it("refuses a YAML alias bomb (an expansion would hang past the test timeout)", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const errs = errors(parseGatewayConfig(levels.join("\n")));
    expect(errs[0].code).toBe("yaml-alias-limit");
  });

  it("refuses deeply nested flow collections", () => {
    const errs = errors(parseGatewayConfig(`a: 1\nb: ${"[".repeat(1_000_000)}`));
    expect(errs[0]).toMatchObject({ code: "too-deep", line: 2 });
  });

  it("handles a large flat mapping, still catching duplicate keys", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: v${i}`);
    expect(parseGatewayConfig(keys.join("\n")).ok).toBe(true);
    const errs = errors(parseGatewayConfig([...keys, "k5: again"].join("\n")));
    expect(errs[0]).toMatchObject({ code: "yaml-DUPLICATE_KEY", line: 20_001 });
  });

  it("refuses input over maxBytes before parsing", () => {
    const big = "x".repeat(50 * 1024 * 1024);
    const errs = errors(parseGatewayConfig(big));
    expect(errs[0].code).toBe("too-large");
    expect(errors(parseGatewayConfig("é".repeat(600), { maxBytes: 1000 }))[0].code).toBe("too-large");
    expect(parseGatewayConfig(`a: ${"é".repeat(400)}`, { maxBytes: 1000 }).ok).toBe(true);
  });
});

describe("helpers", () => {
  it("targetOf and orgEnvOf", () => {
    expect(targetOf("not a url")).toBeNull();
    expect(targetOf("ftp://h/")).toBeNull();
    expect(targetOf("http://h:8080")).toEqual({ scheme: "http", host: "h", port: 8080 });
    expect(orgEnvOf("https://x/edgemicro/%s/organization/%s/environment/%s")).toEqual({ org: null, env: null });
    expect(orgEnvOf(null)).toEqual({ org: null, env: null });
  });
});
