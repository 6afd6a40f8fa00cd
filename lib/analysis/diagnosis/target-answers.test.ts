/**
 * Failures that are the target's own answers, not its TCP connections: responses Node's HTTP parser rejects
 * (lab: malformed-response), and a target that closes after every response without saying so (lab:
 * close-after-response).
 */
import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, profile, target } from "./test-evidence";

describe("a target answering with bytes that are not valid HTTP", () => {
  it("HPE_* codes in the log name the target's answers, at high, with a fix at the target", () => {
    const d = diagnose(ev([target({ errors502: 10, errorCodes: { HPE_INVALID_STATUS: 10 } })]));
    expect(d.targets[0]).toMatchObject({ cause: "target-error", confidence: "high", explains502: 10 });
    expect(d.targets[0].summary).toMatch(/not valid HTTP \(HPE_INVALID_STATUS × 10/);
    expect(d.targets[0].fix!.title).toMatch(/not valid HTTP/);
    expect(d.verdict).toMatchObject({ cause: "target-error", confidence: "high" });
  });
  it("a head over Node's limit is valid HTTP: the summary and fix speak of its size and the gateway's limit", () => {
    // Lab header-overflow: a 20 kB Set-Cookie on one answer in five; the gateway logs HPE_HEADER_OVERFLOW and 502.
    const d = diagnose(ev([target({ errors502: 4, errorCodes: { HPE_HEADER_OVERFLOW: 4 } })]));
    expect(d.targets[0]).toMatchObject({ cause: "target-error", confidence: "high", explains502: 4 });
    expect(d.targets[0].summary).toMatch(/a response head larger than Node's 16 KiB limit/);
    expect(d.targets[0].summary).not.toMatch(/not valid HTTP/);
    expect(d.targets[0].fix!.title).toMatch(/Shrink .* response headers, or raise the gateway's header limit/);
    expect(d.targets[0].fix!.snippet).toMatch(/--max-http-header-size=/);
    // Beside another parser code the answers are not one thing: the general fix, which names both.
    const mixed = diagnose(
      ev([target({ errors502: 6, errorCodes: { HPE_HEADER_OVERFLOW: 4, HPE_INVALID_STATUS: 2 } })]),
    );
    expect(mixed.targets[0].fix!.title).toMatch(/not valid HTTP/);
    expect(mixed.targets[0].fix!.notes.join(" ")).toMatch(/HPE_HEADER_OVERFLOW \(over 16 KiB/);
  });
  it("bytes that are not HTTP at all leave the request pending on the wire: at level error, still the target's answers", () => {
    // The gateway closes such a connection itself (gateway-close) and logs 502 HPE_*: no client went away (client-aborts.ts).
    const base = ev([
      target({ errors502: 6, errorCodes: { HPE_INVALID_CONSTANT: 6 }, capture: cap({ "gateway-close": 6 }) }),
    ]);
    const d = diagnose({ ...base, logs: { ...base.logs, coverage: "errors-only" } });
    expect(d.targets[0]).toMatchObject({ cause: "target-error", explains502: 6 });
    expect(d.verdict.cause).toBe("target-error");
    expect(d.verdict.summary).not.toMatch(/client had gone/);
  });
  it("such responses in a capture without a log are the target's answers at medium, never a close", () => {
    const d = diagnose(
      ev(
        [
          target({
            errors502: 0,
            errorCodes: {},
            capture: cap({}, { profile: { ...profile(null), invalidResponses: 4 } }),
          }),
        ],
        {
          logs: { present: false, coverage: "none", status502: 0, econnreset: 0, byTarget: [] },
        },
      ),
    );
    expect(d.targets[0]).toMatchObject({ cause: "target-error", confidence: "medium", explains502: 4 });
  });

  it("with a log, such answers it names no parser code for were not rejected, unless they lie outside its time", () => {
    // A gateway started with a larger --max-http-header-size takes heads over 16 KiB: no HPE_* line, no 502.
    const wire = (outsideLog: Record<string, number>) =>
      target({
        errors502: 0,
        errorCodes: {},
        capture: cap({}, { profile: { ...profile(null), invalidResponses: 4 }, outsideLog }),
      });
    expect(diagnose(ev([wire({})])).targets[0].cause).toBe("healthy");
    // Beside its own 502s, the fix speaks of those, not of answers the gateway took.
    const own = target({
      errors502: 3,
      targetAnswered502: 3,
      errorCodes: { none: 3 },
      capture: cap({}, { profile: { ...profile(null), invalidResponses: 4 } }),
    });
    expect(diagnose(ev([own])).targets[0].fix!.title).toMatch(/answers 502 \/ 504 itself/);
    // Two of them after the log's end: those are failures no line could name.
    expect(diagnose(ev([wire({ "target-invalid": 2 })])).targets[0]).toMatchObject({
      cause: "target-error",
      explains502: 2,
    });
  });

  it("its answers that are not HTTP and its own 502s weigh together against the closes beside them", () => {
    // Battery 105's random-1472 at level error: 24 answers Node's parser rejected and 3 own 502s (27 target-error)
    // beside 7 races and 19 hang-ups read `both` at medium, each kind of its errors weighed alone against 26.
    const closes = (races: number, hangups: number) =>
      cap(
        { "keepalive-race": races, "premature-close": hangups },
        { races: { "idle-timer": races }, premature: { "answer-time": hangups }, profile: profile(990) },
      );
    // 24 answers not HTTP and 3 own 502s beside as many resets, races and hang-ups.
    const beside = (races: number, hangups: number) =>
      diagnose(
        ev([
          target({
            errors502: 27 + races + hangups,
            targetAnswered502: 3,
            errorCodes: { HPE_INVALID_STATUS: 24, ECONNRESET: races + hangups, none: 3 },
            capture: closes(races, hangups),
          }),
        ]),
      );
    const d = beside(7, 19);
    expect(d.targets[0].cause).toBe("target-error");
    expect(d.targets[0].evidence.map((x) => x.label).join("\n")).toMatch(/also: .*closes idle sockets/);
    // 27 against 26: one failure counted the other way swaps them, so not sure; with a clear lead, medium.
    expect(d.targets[0].confidence).toBe("low");
    expect(beside(5, 12).targets[0]).toMatchObject({ cause: "target-error", confidence: "medium" });
  });
});

describe("a target that closes every connection right after its response", () => {
  // No reused socket was ever answered, yet the gateway reused them (races) and the target closed idle ones.
  const afterEach = { ...profile(14), maxReuseGapMs: null, idleCloses: 40, answered: 60 };
  it("is a keep-alive race whose summary and fix speak of Connection: close, not of raising an idle timeout", () => {
    const d = diagnose(
      ev([
        target({
          errors502: 9,
          errorCodes: { ECONNRESET: 9 },
          capture: cap({ "keepalive-race": 9 }, { races: { "idle-timer": 9 }, profile: afterEach }),
        }),
      ]),
    );
    const v = d.targets[0];
    // medium: a close 14 ms after the last byte may have come after the request reached the target
    expect(v).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium", idleTimeoutMs: 14 });
    expect(v.summary).toMatch(/closes every connection ≈ 14 ms after its response/);
    expect(v.summary).toMatch(/the wire cannot order them/);
    expect(v.fix!.title).toMatch(/Connection: close/);
    expect(v.fix!.notes.join(" ")).not.toMatch(/Raise the target's idle/);
  });
  it("a target that closed every socket after a long quiet, none reused in time, runs a timer (lab: race-60s)", () => {
    const sparse = { ...profile(60000), maxReuseGapMs: null, idleCloses: 5, answered: 7 };
    const d = diagnose(
      ev([
        target({
          errors502: 2,
          errorCodes: { ECONNRESET: 2 },
          capture: cap({ "keepalive-race": 2 }, { races: { "idle-timer": 2 }, profile: sparse }),
        }),
      ]),
    );
    expect(d.targets[0].summary).toMatch(/closes pooled sockets after ≈ 60 s idle/);
    expect(d.targets[0].fix!.notes.join(" ")).toMatch(/Raise the target's idle/);
  });
  it("a target whose reused sockets were answered keeps the idle-timer wording", () => {
    const d = diagnose(
      ev([
        target({
          errors502: 9,
          errorCodes: { ECONNRESET: 9 },
          capture: cap({ "keepalive-race": 9 }, { races: { "idle-timer": 9 }, profile: profile(1000) }),
        }),
      ]),
    );
    expect(d.targets[0].summary).toMatch(/closes pooled sockets after ≈ 1.00 s idle/);
    expect(d.targets[0].fix!.notes.join(" ")).toMatch(/Raise the target's idle/);
  });
});
