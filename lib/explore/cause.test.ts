import { describe, expect, it } from "vitest";
import { causeOfConnection, causeWithoutCapture } from "./cause";

describe("cause of a transaction", () => {
  it("maps connection classes to the guided flow's causes", () => {
    expect(causeOfConnection("keepalive-race", "idle 2.0 s").cause).toBe("keepalive-mismatch");
    expect(causeOfConnection("premature-close", "no response").cause).toBe("premature-close");
    expect(causeOfConnection("refused", "RST to SYN")).toMatchObject({
      cause: null,
      explanation: "RST to SYN",
      readMore: null,
    });
  });
  it("says what is missing without a capture", () => {
    expect(causeWithoutCapture(502, "ECONNRESET").readMore).toContain("#common-diagnosis-steps");
    expect(causeWithoutCapture(200, null).explanation).toBe("The request succeeded.");
  });
});
