import { describe, expect, it } from "vitest";
import { aliasCaptureTargets } from "./target-alias";

describe("aliasCaptureTargets", () => {
  it("pairs a loopback address with localhost on the same port", () => {
    expect([...aliasCaptureTargets(["localhost:9000", "10.0.0.5:80"], ["127.0.0.1:9000", "10.0.0.5:80"])]).toEqual([
      ["127.0.0.1:9000", "localhost:9000"],
    ]);
  });
  it("pairs the one host name on a port with the one unnamed address on it", () => {
    expect([...aliasCaptureTargets(["orders.internal:8080"], ["10.1.2.3:8080"])]).toEqual([
      ["10.1.2.3:8080", "orders.internal:8080"],
    ]);
  });
  it("pairs nothing when two names or two addresses could match, or the log names the address itself", () => {
    expect(aliasCaptureTargets(["a.internal:8080", "b.internal:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["10.0.0.9:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["a.internal:8080", "10.1.2.3:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["a.internal:8080"], ["10.1.2.3:8080", "10.1.2.4:8080"]).size).toBe(0);
  });
});
