/** The diagnosis of a target whose capture runs on past its log's time (a log rotated away, or copied early). */
import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, target } from "./test-evidence";

describe("failing connections outside the log's time", () => {
  it("leave a target with no logged failure healthy only at low, and say what the capture shows there", () => {
    // Blind random-1242 with its log cut before the middle failure: 127.0.0.2:8080's one 504 (request_timeout 5 s on
    // its slow /report) came after the log's last line; the capture shows the gateway closing that connection.
    const quiet = (outsideLog: Record<string, number>) =>
      target({ errors502: 0, errorCodes: {}, capture: cap({ "gateway-close": 1 }, { explained502: {}, outsideLog }) });
    const seen = diagnose(ev([quiet({})])).targets[0];
    expect(seen).toMatchObject({ cause: "healthy", confidence: "high" });
    const after = diagnose(ev([quiet({ "gateway-close": 1 })])).targets[0];
    expect(after).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(after.evidence.map((x) => x.label)).toContain(
      "1 failing connection(s) in the capture lie outside the log's time (1 gateway-close): no log line names them; the log of that time tells what each was",
    );
  });

  it("weigh against a cause they do not stand for, not against one they do", () => {
    // Blind random-1270 with its log cut before the middle failure: 127.0.0.5:9000's one response cut short (its 502 a
    // client gone) beside 6 gateway closes of a pending request after the log, its 504s at request_timeout.
    const cut = (outsideLog: Record<string, number>) =>
      target({
        errors502: 3,
        errorCodes: { ECONNRESET: 3 },
        capture: cap({ "premature-close": 3 }, { premature: { "answer-time": 3 }, outsideLog }),
      });
    expect(diagnose(ev([cut({})])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "high" });
    // More hang-ups after the log: the same cause, as sure.
    expect(diagnose(ev([cut({ "premature-close": 5 })])).targets[0]).toMatchObject({ confidence: "high" });
    // Gateway closes (a timeout, or clients gone): more than half as many as the cause explains, medium; as many, low.
    expect(diagnose(ev([cut({ "gateway-close": 1 })])).targets[0]).toMatchObject({ confidence: "high" });
    expect(diagnose(ev([cut({ "gateway-close": 2 })])).targets[0]).toMatchObject({ confidence: "medium" });
    expect(diagnose(ev([cut({ "gateway-close": 3 })])).targets[0]).toMatchObject({
      cause: "premature-close",
      confidence: "low",
    });
  });

  it("are nothing without a log: a capture alone counts every failing connection", () => {
    const unlogged = target({
      requests: 0,
      errors502: 0,
      errorCodes: {},
      capture: cap({ "premature-close": 3 }, { explained502: {}, outsideLog: { "gateway-close": 9 } }),
    });
    const noLog = { logs: { present: false, coverage: "none" as const, status502: 0, econnreset: 0, byTarget: [] } };
    const v = diagnose(ev([unlogged], noLog)).targets[0];
    expect(v.evidence.map((x) => x.label).join("\n")).not.toMatch(/outside the log's time/);
  });
});
