import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext (where sign-in sends the browser)", () => {
  it("keeps paths of this app", () => {
    expect(safeNext("/incidents/inc_1")).toBe("/incidents/inc_1");
    expect(safeNext("/incidents/inc_1/logs?level=error#l10")).toBe("/incidents/inc_1/logs?level=error#l10");
    expect(safeNext("/")).toBe("/");
  });
  it("never lets a browser-normalized value leave the origin", () => {
    // `?next=/%09/evil.example` arrives decoded: a tab the browser drops, leaving //evil.example.
    for (const bad of [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "//evil.example",
      "/\\evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      undefined,
      ["/a"],
    ]) {
      const out = safeNext(bad);
      expect(out, JSON.stringify(bad)).toMatch(/^\/(?!\/)/);
      expect(new URL(out, "http://app.test").origin, JSON.stringify(bad)).toBe("http://app.test");
    }
    expect(safeNext("/\t/evil.example")).toBe("/");
  });
});
