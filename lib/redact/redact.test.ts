import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSecretKey, LineRedactor, maskClientId, redactText } from "./index";

const SAMPLE = path.resolve(__dirname, "../../../shared/samples/acme-prod-502/acme-prod-config.yaml");
const sample = readFileSync(SAMPLE, "utf8");

const SAMPLE_SECRETS = [
  "MIICpDCCAYwCCQDk2Y1vWq0ZlTANBgkqhkiG9w0BAQsFADAUMRIwEAYDVQQDDAls",
  "b2NhbGhvc3QwHhcNMjYxMTIzMTkzNDAwWhcNMjcxMTIzMTkzNDAwWjAUMRIwEAYD",
  "VQQDDAlsb2NhbGhvc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC7",
  "9f1c2b7e4d5a6c3b8e0f1a2d3c4b5a69e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3",
  "4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
  "Sup3rS3cret!",
  "svc-egress",
];

describe("redactText on the sample config", () => {
  const { text, report } = redactText(sample);

  it.each(SAMPLE_SECRETS)("removes %s", (secret) => {
    expect(sample).toContain(secret);
    expect(text).not.toContain(secret);
  });

  it("keeps the line count and innocent values", () => {
    expect(text.split("\n").length).toBe(sample.split("\n").length);
    expect(text).toContain("keep_alive_timeout: 65000");
    expect(text).toContain("url: http://[REDACTED]@proxy.acme.internal:3128");
    expect(text).toContain("-----BEGIN CERTIFICATE----- [REDACTED] -----END CERTIFICATE-----");
    expect(text).toContain("allowNoAuthorization: false");
    expect(text).toContain("keySecretMessage: The following credentials");
  });

  it("reports rules and lines, never the secret", () => {
    const byRule = Object.fromEntries(report.map((r) => [r.rule, r]));
    expect(byRule["pem-block"]).toEqual({ rule: "pem-block", count: 1, lines: [39] });
    expect(byRule["url-credentials"].lines).toEqual([26]);
    expect(byRule["secret-key-value"]).toEqual({ rule: "secret-key-value", count: 2, lines: [52, 53] });
    const json = JSON.stringify(report);
    for (const s of SAMPLE_SECRETS) expect(json).not.toContain(s);
  });
});

describe("redaction rules", () => {
  const r = (s: string) => redactText(s).text;

  it("redacts YAML, key=value and JSON keys named like secrets", () => {
    expect(r("password: hunter2")).toBe('password: "[REDACTED]"');
    expect(r("  - passphrase: 'a b c' # note")).toBe("  - passphrase: '[REDACTED]' # note");
    expect(r("GET /x?apikey=abc123&y=1")).toBe("GET /x?apikey=[REDACTED]&y=1");
    expect(r('{"client_secret":"s\\"x","token": 1234, "keep_alive_timeout": 5}')).toBe(
      '{"client_secret":"[REDACTED]","token": "[REDACTED]", "keep_alive_timeout": 5}',
    );
    expect(r("clientSecret=abc private_key=def")).toBe("clientSecret=[REDACTED] private_key=[REDACTED]");
  });

  it.each([
    "keep_alive_timeout: 1",
    "key_file: /etc/k.pem",
    "monkey: banana",
    "keySecretMessage: hello",
    "stack_trace: false",
  ])("leaves the innocent key in %j alone", (line) => expect(r(line)).toBe(line));

  it("tells secret key names from innocent ones", () => {
    expect(isSecretKey("x-api-key")).toBe(true);
    expect(isSecretKey("EDGEMICRO_SECRET")).toBe(true);
    expect(isSecretKey("publicKey")).toBe(false);
    expect(isSecretKey("turkey")).toBe(false);
  });

  it("redacts credentials in URLs, including an @ inside the password", () => {
    expect(r("proxy http://user:p@ss@host:3128/x")).toBe("proxy http://[REDACTED]@host:3128/x");
    expect(r("https://example.com/a@b")).toBe("https://example.com/a@b");
  });

  it("redacts Authorization headers", () => {
    expect(r("Authorization: Bearer eyJhbGciOi.abc-def")).toBe("Authorization: Bearer [REDACTED]");
    expect(r("authorization: Basic dXNlcjpwYXNz")).toBe('authorization: "[REDACTED]"');
    expect(r("[Authorization: Basic dXNlcjpwYXNz][GET]")).toBe('[Authorization: "[REDACTED]"][GET]');
  });

  it("redacts multi-line PEM blocks keeping the line count, and one-line PEMs", () => {
    const pem =
      "a: 1\nkey: |\n  -----BEGIN RSA PRIVATE KEY-----\n  QUJDREVGRw==\n  SElKS0xN\n  -----END RSA PRIVATE KEY-----\nb: 2\n";
    const out = r(pem);
    expect(out.split("\n").length).toBe(pem.split("\n").length);
    expect(out).not.toMatch(/QUJDREVGRw|SElKS0xN/);
    expect(out).toContain("b: 2");
    const inline = r('{"k":"-----BEGIN PRIVATE KEY-----\\nQUJD\\n-----END PRIVATE KEY-----"}');
    expect(inline).toBe('{"k":"-----BEGIN PRIVATE KEY----- [REDACTED] -----END PRIVATE KEY-----"}');
  });

  it("redacts block scalars under secret keys", () => {
    const t = "edgemicro_secret: |\n  line-one-secret\n  line-two-secret\nport: 1\n";
    const out = r(t);
    expect(out).toBe("edgemicro_secret: |\n  [REDACTED]\n  [REDACTED]\nport: 1\n");
  });

  it.each([
    ["plain", "edgemicro_key:\n  abcdef0123\n  more0123\nport: 1", 'edgemicro_key:\n  "[REDACTED]"\n\nport: 1'],
    ["double-quoted", 'secret: "abc\n   def\n   ghi" # c\nport: 1', 'secret: "[REDACTED]"\n\n   # c\nport: 1'],
    [
      "under a nested secret key",
      "ssl:\n  client_secret:\n    nested: 1\n    key: abc\n",
      'ssl:\n  client_secret:\n    nested: 1\n    key: "[REDACTED]"\n',
    ],
    ["single-quoted under a list item", "- password:\n    'x y\n    z'\nb: 1", '- password:\n    "[REDACTED]"\n\nb: 1'],
  ])("redacts a value continued on following lines (%s)", (_, input, expected) => {
    expect(r(input)).toBe(expected);
  });

  it("keeps CRLF line endings", () => {
    expect(r("password: x\r\nport: 1\r\n")).toBe('password: "[REDACTED]"\r\nport: 1\r\n');
  });
});

describe("hostile input", () => {
  it.each([
    ["repeated PEM openers", "-----BEGIN A-----".repeat(50_000)],
    ["repeated keys", "token: ".repeat(100_000)],
    ["repeated URL userinfo", `http://${"a@".repeat(200_000)}`],
    ["repeated quotes", '"password": "'.repeat(50_000)],
  ])("redacts %s on one line (speed: npm run bench; a hang fails the test timeout)", (_label, line) => {
    const { text } = redactText(line);
    expect(text.split("\n")).toHaveLength(1);
  });
});

describe("LineRedactor", () => {
  it("carries PEM state across lines and stops at a truncated block", () => {
    const lr = new LineRedactor();
    const lines = ["x -----BEGIN CERTIFICATE-----", "QUJDREVG", "2026-01-01T00:00:00.000Z [info] token=abc"];
    const out = lines.map((l, i) => lr.redactLine(l, i + 1));
    expect(out).toEqual([
      "x -----BEGIN CERTIFICATE----- [REDACTED] -----END CERTIFICATE-----",
      "",
      "2026-01-01T00:00:00.000Z [info] token=[REDACTED]",
    ]);
    expect(lr.report()).toEqual([
      { rule: "pem-block", count: 1, lines: [1] },
      { rule: "secret-key-value", count: 1, lines: [3] },
    ]);
  });

  it("caps report lines at 50", () => {
    const lr = new LineRedactor();
    for (let i = 1; i <= 200; i++) lr.redactLine(`token=t${i}`, i);
    const [rep] = lr.report();
    expect(rep.count).toBe(200);
    expect(rep.lines).toHaveLength(50);
  });
});

describe("maskClientId", () => {
  it("keeps two characters at each end", () => {
    expect(maskClientId("abcdefghij")).toBe("ab******ij");
    expect(maskClientId("abc")).toBe("***");
    expect(maskClientId("")).toBe("");
  });
});
