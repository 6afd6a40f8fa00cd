/** The diagnosis of a target whose capture runs on past its log's time (a log rotated away, or copied early). */
import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, profile, target } from "./test-evidence";

const quietLog = { present: true, coverage: "full" as const, status502: 0, econnreset: 0, byTarget: [] };

describe("failing connections outside the log's time", () => {
  // A target racing 11 times at its 2 s idle timer, every race in the log's time: the incident's headline beside others.
  const racing = target({
    errors502: 11,
    errorCodes: { ECONNRESET: 11 },
    capture: cap({ "keepalive-race": 11 }, { races: { "idle-timer": 11 }, profile: profile(2000) }),
  });

  it("leave a target with no logged failure healthy only at low, and say what the capture shows there", () => {
    // Blind random-1242 with its log cut before the middle failure: 127.0.0.2:8080's one 504 (request_timeout 5 s on
    // its slow /report) came after the log's last line; the capture shows the gateway closing that connection.
    const quiet = (outsideLog: Record<string, number>) =>
      target({ errors502: 0, errorCodes: {}, capture: cap({ "gateway-close": 1 }, { explained502: {}, outsideLog }) });
    // Within the log's time, a close at the gateway's timeout no 504 line of the target names: the line lost its
    // target, or the clocks were matched wrong (random-1794 with its log from the middle failure on: its 504 line
    // without the targetRequest line before it).
    const seen = diagnose(ev([quiet({})])).targets[0];
    expect(seen).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(seen.evidence.map((x) => x.label)).toContain(
      "1 close(s) of a pending request at the gateway's timeout within the log's time, and no 504 line of this target: their lines lost the target's name (a log rotated between a failure's two lines), or the clocks are matched wrong",
    );
    // No incident failure either, then.
    const incident = diagnose(ev([quiet({})], { logs: quietLog })).verdict;
    expect(incident).toMatchObject({ cause: "no-502", confidence: "low" });
    expect(incident.summary).toContain(
      "But the capture shows closes of a pending request at the gateway's timeout within the log's time that no 504 line names (127.0.0.1:28081: 1)",
    );
    // A close sooner than the timeout (30 s) is a client gone or a gateway restarting, which need no line of the target.
    const soon = target({
      errors502: 0,
      errorCodes: {},
      capture: cap({ "gateway-close": 1 }, { explained502: {}, gatewayCloseQuiet: { "1700": 1 } }),
    });
    expect(diagnose(ev([soon])).targets[0]).toMatchObject({ cause: "healthy", confidence: "high" });
    expect(diagnose(ev([soon], { logs: quietLog })).verdict).toMatchObject({ cause: "no-502", confidence: "high" });
    const after = diagnose(ev([quiet({ "gateway-close": 1 })])).targets[0];
    expect(after).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(after.evidence.map((x) => x.label)).toContain(
      "1 failure(s) in the capture lie outside the log's time (1 gateway-close): no log line names them; the log of that time tells what each was",
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

  it("leave the target's own answers outside the log to weigh, not to count as the log's failures", () => {
    // Blind random-1297 at level error, its log cut before the middle failure: 127.0.0.3:9009 raced 8 times (3 in the
    // log's time) and answered 502 itself 7 times (3 after the log), which no line at level error shows. Counting the
    // capture's 7 own answers against the log's 3 races named target-error at medium; the truth is keepalive-mismatch.
    const cut = (outsideLog: Record<string, number>) =>
      target({
        requests: 0,
        answered: null,
        errors502: 3,
        errorCodes: { ECONNRESET: 3 },
        capture: cap(
          { "keepalive-race": 8 },
          {
            explained502: { "keepalive-race": 3 },
            races: { "idle-timer": 8 },
            profile: { ...profile(261), serverErrors: { "502": 7 } },
            outsideLog,
          },
        ),
      });
    const errorsOnly = { coverage: "errors-only" as const, status502: 3, econnreset: 3, byTarget: [] };
    const diagnoseCut = (outsideLog: Record<string, number>) =>
      diagnose(ev([cut(outsideLog)], { logs: { present: true, ...errorsOnly } })).targets[0];
    // Without the answers' times (a capture parsed before they were kept) all 7 count; the races after the log, of
    // the runner-up's kind, bring it level: low either way.
    const before = diagnoseCut({ "keepalive-race": 5 });
    expect(before).toMatchObject({ cause: "target-error", confidence: "low" });
    expect(before.summary).toMatch(/answered 7 × 502 itself/);
    const v = diagnoseCut({ "keepalive-race": 5, "target-502": 3 });
    expect(v.confidence).toBe("low");
    expect(v.summary).toMatch(/answered 4 × 502 itself/);
    expect(v.evidence.map((x) => x.label)).toContain(
      "8 failure(s) in the capture lie outside the log's time (5 keepalive-race, 3 × 502 answered by the target): no log line names them; the log of that time tells what each was",
    );
  });

  it("weigh the incident's causes with the failures each stands for, but a gateway's close", () => {
    // Blind random-1285 with its log from the middle failure on: 11 × 504 after it, 8 refusals after it and 12 before.
    const refused = (outsideLog: Record<string, number>) =>
      target({
        target: "10.0.0.9:443",
        errors502: 8,
        errorCodes: { ECONNREFUSED: 8 },
        capture: cap({ refused: 8 }, { outsideLog }),
      });
    const verdict = (outsideLog: Record<string, number>) => diagnose(ev([racing, refused(outsideLog)])).verdict;
    expect(verdict({})).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
    const swung = verdict({ refused: 12 });
    expect(swung).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(swung.summary).toContain(
      "But the capture shows 12 more failure(s) of these causes outside the log's time: counted with them, the causes weigh target-unreachable 20, keepalive-mismatch 11, and the incident reads target-unreachable.",
    );
    // A gateway's close there may be a client gone: it weighs for no cause, not even a timeout's.
    const timeouts = (outsideLog: Record<string, number>) =>
      target({
        target: "10.0.0.9:443",
        errors502: 0,
        errors504: 8,
        errorCodes: {},
        capture: cap({ "gateway-close": 8 }, { outsideLog }),
      });
    const d = diagnose(ev([racing, timeouts({ "gateway-close": 30 })]));
    expect(d.targets[1].cause).toBe("gateway-timeout");
    expect(d.verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
  });

  it("weigh for the incident on a target with none in the log's time, by the cause they stand for", () => {
    // random-1362 with its log from the middle failure on: a TLS target's 14 failed handshakes all before it (that
    // target healthy in the log's time) against another target's 12 hang-ups and a race. It read `both` at medium; the
    // whole bundle's truth is tls-error.
    const tlsBefore = (outsideLog: Record<string, number>) =>
      target({
        target: "10.0.0.7:8443",
        errors502: 0,
        errorCodes: {},
        capture: cap(outsideLog, { explained502: {}, outsideLog }),
      });
    const d = (outsideLog: Record<string, number>) => diagnose(ev([racing, tlsBefore(outsideLog)]));
    expect(d({ "tls-handshake-failed": 12 }).targets[1]).toMatchObject({ cause: "healthy", confidence: "low" });
    const swung = d({ "tls-handshake-failed": 12 }).verdict;
    expect(swung).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(swung.summary).toContain(
      "counted with them, the causes weigh tls-error 12, keepalive-mismatch 11, and the incident reads tls-error.",
    );
    // Far fewer than the headline's, or only gateway closes (a timeout, or clients gone): the headline stands.
    expect(d({ "tls-handshake-failed": 3 }).verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
    expect(d({ "gateway-close": 30 }).verdict).toMatchObject({ cause: "keepalive-mismatch", confidence: "high" });
    // That target alone: no 502 in the log, but not sure of none in the incident.
    const alone = diagnose(ev([tlsBefore({ "tls-handshake-failed": 12 })], { logs: quietLog })).verdict;
    expect(alone).toMatchObject({ cause: "no-502", confidence: "low" });
    expect(alone.summary).toContain(
      "But the capture shows failing connections outside the log's time (10.0.0.7:8443: 12 tls-handshake-failed): the gateway's log of that time tells whether they were its 502s.",
    );
    expect(diagnose(ev([tlsBefore({})], { logs: quietLog })).verdict).toMatchObject({ confidence: "high" });
    // Gateway closes there name no cause, but may be its timeouts (random-1446, its log cut before the middle failure).
    const closed = diagnose(ev([tlsBefore({ "gateway-close": 14 })], { logs: quietLog })).verdict;
    expect(closed).toMatchObject({ cause: "no-502", confidence: "low" });
    expect(closed.summary).toContain("(10.0.0.7:8443: 14 gateway-close)");
    // Unless every close of the target came too soon for request_timeout (30 s): clients gone there too.
    const gone = target({
      target: "10.0.0.7:8443",
      errors502: 0,
      errorCodes: {},
      capture: cap(
        { "gateway-close": 14 },
        { explained502: {}, outsideLog: { "gateway-close": 14 }, gatewayCloseQuiet: { "1700": 14 } },
      ),
    });
    expect(diagnose(ev([gone], { logs: quietLog })).verdict).toMatchObject({ cause: "no-502", confidence: "high" });
  });

  it("add to the runner-up's weight those of its kind: as many as the cause's leave it low", () => {
    // Blind random-736 with its log cut before the middle failure: 127.0.0.4:9009 answered 504 itself 3 times in the
    // log's time and raced 2 times there, 2 more after it. It read target-error at medium; the truth keepalive-mismatch.
    const cut = (outsideLog: Record<string, number>) =>
      target({
        errors502: 2,
        errors504: 3,
        targetAnswered504: 3,
        errorCodes: { ECONNRESET: 2 },
        capture: cap(
          { "keepalive-race": 2 },
          {
            races: { "idle-timer": 2 },
            profile: { ...profile(2910), serverErrors: { "504": 3 } },
            outsideLog,
          },
        ),
      });
    expect(diagnose(ev([cut({})])).targets[0]).toMatchObject({ cause: "target-error", confidence: "medium" });
    expect(diagnose(ev([cut({ "keepalive-race": 2 })])).targets[0]).toMatchObject({
      cause: "target-error",
      confidence: "low",
    });
  });

  it("estimate failed lookups outside the log's time at its rate: they unsettle the incident, never make it", () => {
    // Blind random-1746 with its log from the middle failure on: races and hang-ups outnumbered failed lookups 27 to 18
    // in the log's time, but 35 more lookups had failed before it, where the capture shows no lookup.
    const unresolved = target({
      target: "nosuch.invalid:8080",
      errors502: 9,
      errorCodes: { ENOTFOUND: 9 },
      capture: null,
    });
    const verdict = (outsideLogShare: number | null) => {
      const e = ev([racing, unresolved]);
      return diagnose({ ...e, capture: { ...e.capture!, outsideLogShare } }).verdict;
    };
    expect(verdict(null)).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
    // As many connections opening outside the log's time as within it: as many lookups again, at the log's rate.
    const swung = verdict(1);
    expect(swung).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(swung.summary).toContain(
      "But the capture runs on outside the log's time, at the log's rate about 9 failed lookup(s) of a host name fall there too (no capture of the target leg shows a lookup): counted with them, the causes weigh target-unreachable 18, keepalive-mismatch 11, and the incident reads target-unreachable.",
    );
    // One connection outside it for 25 within: no lookup to speak of there.
    expect(verdict(0.04)).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
  });
});
