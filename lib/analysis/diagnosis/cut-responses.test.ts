/** Responses the log shows cut short, whose close the target's or the gateway's own timeout's (cut-responses.ts). */
import { describe, expect, it } from "vitest";
import { diagnose, type TargetEvidence } from "./index";
import { cap, config, ev, target } from "./test-evidence";

describe("responses cut short in the middle of an answer", () => {
  it("responses the gateway's own timeout cut mid-answer → gateway-timeout, medium where the capture shows its closes", () => {
    // lab: timeout-streaming. request_timeout 2 s, an idle timer on the target's socket, fired between two parts of a
    // slow answer: the gateway closed each connection itself 2 s after the target's last byte and logged
    // targetResponse error aborted / ECONNRESET, status 200 (read premature-close, medium, before).
    const slow = { ...config(), requestTimeoutS: 2 };
    const cut = (durations: Record<string, number>, capture: TargetEvidence["capture"] = null) =>
      diagnose(
        ev(
          [target({ errors502: 0, errorCodes: { "ECONNRESET (aborted)": 3 }, abortedDurations: durations, capture })],
          { config: slow },
        ),
      ).targets[0];
    const gatewayClosed = (quiet: string) =>
      cap(
        { normal: 2, "gateway-close": 3 },
        { explained502: { "gateway-close": 3 }, gatewayCloseQuiet: { [quiet]: 3 } },
      );
    const onWire = cut({ 2000: 3 }, gatewayClosed("2000"));
    // What the capture shows cut counts as the target's own cuts do, 502 or not: the incident is as sure.
    expect(onWire).toMatchObject({ cause: "gateway-timeout", confidence: "medium", explains502: 3 });
    expect(onWire.summary).toMatch(/The target did not close them/);
    // Closes sooner than the timeout are no timeout of the gateway's (clients gone, or the gateway stopping).
    expect(cut({ 300: 3 }, gatewayClosed("500"))).toMatchObject({ cause: "premature-close", confidence: "medium" });
    // From the log alone (or a capture that shows neither side's cut): every cut as late as the timeout, low.
    const logOnly = cut({ 2000: 3 });
    expect(logOnly).toMatchObject({ cause: "gateway-timeout", confidence: "low" });
    expect(logOnly.summary).toMatch(/each 2 s or more after its request.* a capture of its connections shows whose/);
    expect(cut({ 2000: 3 }, cap({ normal: 5 }))).toMatchObject({ cause: "gateway-timeout", confidence: "low" });
    // Beside hang-ups the capture shows, or with some cut sooner than the timer could fire: the target's, at low.
    expect(cut({ 2000: 3 }, cap({ normal: 5, "premature-close": 1 })).cause).not.toBe("gateway-timeout");
    const some = cut({ 2000: 1, 300: 2 });
    expect(some).toMatchObject({ cause: "premature-close", confidence: "low" });
    expect(some.summary).toMatch(/1 of them came as late as the gateway's timeout for this target \(2 s\)/);
    expect(cut({ 300: 3 })).toMatchObject({ cause: "premature-close", confidence: "medium" });
  });
});
