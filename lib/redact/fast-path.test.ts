import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  mayHoldSecret,
  openPem,
  redactBearer,
  redactInlinePem,
  redactKeyValues,
  redactUrlCredentials,
  secretContinuation,
} from "./rules";
import { LineRedactor } from "./index";

/** True when any rule would touch the line, run without the pre-check. */
function anyRuleFires(line: string): boolean {
  const hit = () => undefined;
  return (
    redactInlinePem(line, hit) !== line ||
    openPem(line) !== null ||
    redactUrlCredentials(line, hit) !== line ||
    redactBearer(line, hit) !== line ||
    redactKeyValues(line, hit) !== line ||
    secretContinuation(line) !== null
  );
}

const TOKENS = [
  "key",
  "Key",
  "KEY",
  "apiKey",
  "x-api-key",
  "secret",
  "clientSecret",
  "password",
  "passwd",
  "passphrase",
  "token",
  "Token",
  "authorization",
  "Authorization",
  "credentials",
  "Bearer ",
  "bearer ",
  "-----BEGIN RSA PRIVATE KEY-----",
  "-----END RSA PRIVATE KEY-----",
  "http://",
  "https://u:p",
  "@",
  ":",
  "=",
  " ",
  "  ",
  '"',
  "'",
  "|",
  "#",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&",
  "?",
  "/",
  "abc",
  "x1",
  "monkey",
  "public_key",
  "\r",
];

describe("mayHoldSecret (the redactor's fast path)", () => {
  it("is true for every line a rule would change", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }), (parts) => {
        const line = parts.join("");
        if (anyRuleFires(line)) expect(mayHoldSecret(line)).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });

  it("skips ordinary gateway log lines, which come back unchanged", () => {
    const line =
      "2026-11-23T19:33:55.816Z [info][127.0.0.1:28000][7600][acme][prod][emg/items/1][127.0.0.1][demo-client][1e7a][plugins-middleware][sourceRequest][GET][][][][]";
    expect(mayHoldSecret(line)).toBe(false);
    expect(new LineRedactor().redactLine(line, 1)).toBe(line);
  });

  it("still redacts the lines inside a PEM block, which carry no trigger of their own", () => {
    const r = new LineRedactor();
    const out = [
      "-----BEGIN PRIVATE KEY-----",
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
      "-----END PRIVATE KEY-----",
      "plain",
    ].map((l, i) => r.redactLine(l, i + 1));
    expect(out[1]).toBe("");
    expect(out[3]).toBe("plain");
  });
});
