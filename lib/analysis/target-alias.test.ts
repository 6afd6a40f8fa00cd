import { describe, expect, it } from "vitest";
import { aliasCaptureTargets, configuredTargets, unresolvedTargets } from "./target-alias";

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
  it("pairs a name's IPv6 and IPv4 addresses on its port with it (Node.js tries both)", () => {
    expect([...aliasCaptureTargets(["orders.lab:9000"], ["[::1]:9000", "127.0.0.2:9000"])]).toEqual([
      ["[::1]:9000", "orders.lab:9000"],
      ["127.0.0.2:9000", "orders.lab:9000"],
    ]);
  });
  it("pairs nothing when two names or two addresses could match, or the log names the address itself", () => {
    expect(aliasCaptureTargets(["a.internal:8080", "b.internal:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["10.0.0.9:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["a.internal:8080", "10.1.2.3:8080"], ["10.1.2.3:8080"]).size).toBe(0);
    expect(aliasCaptureTargets(["a.internal:8080"], ["10.1.2.3:8080", "10.1.2.4:8080"]).size).toBe(0);
  });
  it("pairs no address the config names as a proxy's own target, and no name that never resolved", () => {
    // blind random-175 at level error: the log names orders-backend.invalid:9009 (every request ENOTFOUND),
    // 127.0.0.5:9009 and 127.0.0.6:9009; the capture also holds nginx at 127.0.0.4:9009, which the log never names.
    const log = ["orders-backend.invalid:9009", "127.0.0.5:9009", "127.0.0.6:9009"];
    const capture = ["127.0.0.4:9009", "127.0.0.5:9009", "127.0.0.6:9009"];
    expect(aliasCaptureTargets(log, capture).get("127.0.0.4:9009")).toBe("orders-backend.invalid:9009");
    const configured = configuredTargets([
      { proxies: [{ target: { host: "127.0.0.4", port: 9009 } }, { target: null }] },
    ]);
    expect(aliasCaptureTargets(log, capture, { configured }).size).toBe(0);
    const unresolved = unresolvedTargets([
      { target: "orders-backend.invalid:9009", requests: 40, errorCodes: { ENOTFOUND: 40 } },
      { target: "127.0.0.6:9009", requests: 38, errorCodes: { ECONNRESET: 3 } },
    ]);
    expect([...unresolved]).toEqual(["orders-backend.invalid:9009"]);
    expect(aliasCaptureTargets(log, capture, { unresolved }).size).toBe(0);
    // a name that never resolved is no rival for the one that did
    expect([
      ...aliasCaptureTargets(["a.internal:8080", "gone.invalid:8080"], ["10.1.2.3:8080"], {
        unresolved: new Set(["gone.invalid:8080"]),
      }),
    ]).toEqual([["10.1.2.3:8080", "a.internal:8080"]]);
    // a name that resolved at times (one request answered) is still paired
    expect(unresolvedTargets([{ target: "a.internal:80", requests: 3, errorCodes: { ENOTFOUND: 2 } }]).size).toBe(0);
  });
});
