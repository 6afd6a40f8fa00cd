import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { hashToken, newToken, plausibleToken, TOKEN_BYTES } from "./tokens";
import { hashPassword, verifyPassword, passwordProblem } from "./passwords";

describe("tokens", () => {
  it("carry at least 128 random bits and decode back to 32 bytes", () => {
    expect(TOKEN_BYTES * 8).toBeGreaterThanOrEqual(128);
    const t = newToken();
    expect(Buffer.from(t, "base64url")).toHaveLength(32);
    expect(plausibleToken(t)).toBe(true);
  });

  it("do not repeat, and every bit position varies across tokens", () => {
    const tokens = Array.from({ length: 2000 }, newToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Each of the 256 bits is set in roughly half the tokens (binomial(2000, .5): mean 1000, sd ≈ 22; 850..1150 is ~7 sd).
    const ones = new Array<number>(256).fill(0);
    for (const t of tokens) {
      const b = Buffer.from(t, "base64url");
      for (let i = 0; i < 256; i++) ones[i] += (b[i >> 3] >> (i & 7)) & 1;
    }
    expect(Math.min(...ones)).toBeGreaterThan(850);
    expect(Math.max(...ones)).toBeLessThan(1150);
  });

  it("are stored as their SHA-256, never as themselves", () => {
    const t = newToken();
    const h = hashToken(t);
    expect(h).toBe(createHash("sha256").update(t).digest("hex"));
    expect(h).not.toContain(t);
    expect(hashToken(newToken())).not.toBe(h);
  });

  it("refuse malformed strings before any lookup", () => {
    for (const bad of ["", "abc", `${newToken()}x`, "a".repeat(42) + "/", "../../etc/passwd"])
      expect(plausibleToken(bad)).toBe(false);
  });
});

describe("passwords", () => {
  it("hash with scrypt, a random salt, and verify only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b); // salted
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("reject malformed stored hashes instead of throwing", async () => {
    for (const bad of [
      "",
      "plain",
      "scrypt$1$1$1$x$y",
      "bcrypt$10$8$1$AAAA$BBBB",
      "scrypt$999999999$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]) {
      expect(await verifyPassword("whatever", bad)).toBe(false);
    }
  });

  it("refuse short passwords", () => {
    expect(passwordProblem("short")).toMatch(/at least 10/);
    expect(passwordProblem("long enough pass")).toBeNull();
  });
});
