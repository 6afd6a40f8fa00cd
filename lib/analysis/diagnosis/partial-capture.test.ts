/** The diagnosis of a target whose capture covers only part of the log's time (cut captures, `lab-variants.ts`). */
import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, profile, racing, target, T1, type Cap } from "./test-evidence";
import type { TargetEvidence } from "./types";
import { CLIENT_GONE } from "@/lib/analysis/log-aggregates";
import { CUT_NO_502 } from "@/lib/api/connection-schema";

describe("a capture that covers only part of the log's time", () => {
  // Lab recording `both` with only the middle third of its capture: 3 hang-ups on the wire, 9 of its 502s outside it.
  const middle = (outsideCapture: number, seen = 3) =>
    target({
      errors502: seen + outsideCapture,
      errorCodes: { ECONNRESET: seen + outsideCapture },
      outsideCapture,
      capture: cap({ "premature-close": seen }, { premature: { "answer-time": seen } }),
    });

  it("what the capture shows stands for the target, sure only when the failures outside it could not outweigh it", () => {
    // As many failures outside it as it explains, or more: low (blind world random-210 from its middle failure on).
    const d = diagnose(ev([middle(9)]));
    expect(d.targets[0]).toMatchObject({ cause: "premature-close", confidence: "low" });
    expect(diagnose(ev([middle(3)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "low" });
    // Fewer, but a quarter as many or more: any of them may be a race, which would make it both (blind world random-227).
    expect(diagnose(ev([middle(2)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "medium" });
    expect(diagnose(ev([middle(1)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "medium" });
    expect(d.targets[0].evidence.map((x) => x.label)).toContain(
      "9 of its 12 failure(s) lie outside the capture's time, or at its edge: the capture cannot tell what caused them",
    );
    // Hang-ups beside an idle timer the target's closes show: half as many unrecorded may be races at it (blind world
    // random-268 cut before its middle failure: 7 hang-ups seen, a 2.56 s timer, 4 failures after, one a race).
    const timed = (n: number) => ({
      ...middle(n),
      capture: cap({ "premature-close": 3 }, { premature: { "answer-time": 3 }, profile: profile(2560) }),
    });
    expect(diagnose(ev([timed(2)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "low" });
    expect(diagnose(ev([timed(1)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "medium" });
    // Races, half as many unrecorded: any target may hang up, so those may be hang-ups (blind worlds random-529 and
    // random-551 with their captures cut at the middle failure: 2 races seen beside 1 outside, 8 beside 4; truth both).
    const races = (outside: number, seen: number) =>
      target({
        errors502: seen + outside,
        errorCodes: { ECONNRESET: seen + outside },
        outsideCapture: outside,
        capture: cap({ "keepalive-race": seen }, { races: { "idle-timer": seen }, profile: profile(4530) }),
      });
    expect(diagnose(ev([races(1, 2)])).targets[0]).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(diagnose(ev([races(4, 8)])).targets[0]).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(diagnose(ev([races(1, 3)])).targets[0]).toMatchObject({
      cause: "keepalive-mismatch",
      confidence: "medium",
    });
    // One outside beside eight hang-ups seen: what the capture shows stands.
    // Resets inside the capture's time that no close on the wire accounts for (a race on a connection begun before
    // the capture) are as unrecorded as those outside it: beside a runner-up they may tie (blind world random-831 from
    // its middle failure on: 3 own 502s of a TLS target, one race seen of three, one reset outside, one on such a
    // connection; target-error high where the whole bundle, all three races seen, is low).
    const ownAndRaces = target({
      errors502: 6,
      targetAnswered502: 3,
      errorCodes: { none: 3, ECONNRESET: 3 },
      outsideCapture: 1,
      outsideCaptureCodes: { ECONNRESET: 1 },
      capture: cap({ "keepalive-race": 1 }, { races: { timing: 1 } }),
    });
    const lowered = diagnose(ev([ownAndRaces])).targets[0];
    expect(lowered).toMatchObject({ cause: "target-error", confidence: "low" });
    // The evidence names them, not only the one outside.
    expect(lowered.evidence.map((x) => x.label).join()).toMatch(/2 socket hang up .*no close on the wire accounts for/);
    // Unrecorded failures given to the runner-up weigh as a second cause does (blind world random-912 from its middle
    // failure on: 7 own 502s, 3 hang-ups seen, 3 before the capture; the whole bundle, 11 against 6, is medium).
    const ownAndHangups = (outside: number) =>
      target({
        errors502: 10 + outside,
        targetAnswered502: 7,
        errorCodes: { none: 7, ECONNRESET: 3 + outside },
        outsideCapture: outside,
        outsideCaptureCodes: { ECONNRESET: outside },
        capture: cap({ "premature-close": 3 }, { premature: { "answer-time": 3 } }),
      });
    expect(diagnose(ev([ownAndHangups(0)])).targets[0]).toMatchObject({ cause: "target-error", confidence: "high" });
    expect(diagnose(ev([ownAndHangups(3)])).targets[0]).toMatchObject({ cause: "target-error", confidence: "medium" });
    const wide = middle(1, 8);
    const wideVerdict = diagnose(ev([wide])).targets[0];
    expect(wideVerdict).toMatchObject({ cause: "premature-close", confidence: "high" });
    // Its one open reset is the one outside: named once, as outside.
    expect(wideVerdict.evidence.map((x) => x.label).join()).not.toMatch(/no close on the wire accounts for/);
    expect(
      diagnose(ev([middle(0)]))
        .targets[0].evidence.map((x) => x.label)
        .join(),
    ).not.toMatch(/outside the capture's time/);
  });

  it("502s the log says were clients gone are no races at the idle closes they met outside their own connection", () => {
    // Blind random-1000 from its middle failure on: 23 aborted uploads, their connections before the capture, two of
    // their 502s matched to idle closes of the target's 8.15 s timer.
    const aborted = (matched: number, races = 0) =>
      target({
        errors502: 23 + races,
        errorCodes: { [CLIENT_GONE]: 23, ...(races ? { ECONNRESET: races } : {}) },
        outsideCapture: 21,
        capture: cap({}, { explained502: { "target-idle-close": matched }, profile: profile(8150) }),
      });
    expect(diagnose(ev([aborted(2)])).targets[0].cause).toBe("healthy");
    // The target's own 502s at its idle closes stay races: those beyond the clients' own.
    expect(diagnose(ev([aborted(4, 2)])).targets[0]).toMatchObject({ cause: "keepalive-mismatch", explains502: 2 });
  });

  it("failures whose log code names the cause need no capture", () => {
    const refused = target({
      errors502: 19,
      errorCodes: { ECONNREFUSED: 19 },
      outsideCapture: 12,
      capture: cap({ refused: 7 }),
    });
    expect(diagnose(ev([refused])).targets[0]).toMatchObject({ cause: "target-unreachable", confidence: "high" });
  });

  it("a 504 outside the capture may be a dropped SYN as well as a slow target", () => {
    // Lab recording `blackhole`, first third of its capture: 2 SYNs unanswered in it, 6 of the 8 × 504 after it.
    const blackhole = target({
      answered: 0,
      errors502: 0,
      errors504: 8,
      errorCodes: {},
      outsideCapture: 6,
      capture: cap({ "syn-unanswered": 2 }, { explained502: {} }),
    });
    // All 6 × 504 the capture did not record: what they were is not known (the truth: dropped SYNs).
    expect(diagnose(ev([blackhole])).targets[0]).toMatchObject({ cause: "gateway-timeout", confidence: "low" });
    // Its capture started mid-way instead: the 504s it did not record, from a target that answered nothing, may all
    // be SYNs dropped like those it shows (no timeout of the gateway is seen on the wire).
    const late = {
      ...blackhole,
      requests: 8,
      outsideCapture: 5,
      capture: cap({ "syn-unanswered": 3 }, { explained502: {} }),
    };
    const d = diagnose(ev([late])).targets[0];
    expect(d).toMatchObject({ cause: "gateway-timeout", confidence: "low" });
    expect(d.summary).toMatch(/SYNs are dropped/);
  });

  it("below level info, healthy is sure only if the capture covers the log or the stats lines' 5xx are all seen", () => {
    const quiet = target({ requests: null, errors502: 0, errorCodes: {}, capture: cap({}) });
    const errorsOnly = (stats5xx: number | null, coversLog: boolean) => {
      const e = ev([quiet]);
      return diagnose({
        ...e,
        logs: { ...e.logs, coverage: "errors-only", stats5xx },
        capture: { ...e.capture!, coversLog },
      }).targets[0];
    };
    // Lab recording random-33 (level warn), first third of its capture: the target's own 504s came later; the stats
    // lines count 5xx nothing shows, which may be its own after the capture (blind world random-244 too): low.
    expect(errorsOnly(3, false)).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(errorsOnly(null, false)).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(errorsOnly(0, false)).toMatchObject({ cause: "healthy", confidence: "high" });
    expect(errorsOnly(3, true)).toMatchObject({ cause: "healthy", confidence: "high" });
  });

  it("below level info, a TLS capture shows no answer's status: healthy is low while the stats count unseen 5xx", () => {
    // Blind world random-204 at level error: a TLS target's own 4 × 504, in no log line and encrypted on the wire.
    const tls = cap({}, { profile: { ...profile(null, 0), encrypted: 9 } });
    const quiet = (capture: Cap | null) => target({ requests: null, errors502: 0, errorCodes: {}, capture });
    const errorsOnly = (t: ReturnType<typeof quiet>, stats5xx: number | null) => {
      const e = ev([t]);
      return diagnose({
        ...e,
        logs: { ...e.logs, coverage: "errors-only", stats5xx },
        capture: e.capture && { ...e.capture, coversLog: true },
      }).targets[0];
    };
    const low = errorsOnly(quiet(tls), 4);
    expect(low).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(low.summary).toMatch(/capture is TLS, whose answers' status the wire does not show/);
    expect(errorsOnly(quiet(null), null)).toMatchObject({ cause: "healthy", confidence: "low" });
    // every 5xx the stats count is seen, or the capture is plain: as before
    expect(errorsOnly(quiet(tls), 0)).toMatchObject({ cause: "healthy", confidence: "high" });
    expect(errorsOnly(quiet(cap({})), 4)).toMatchObject({ cause: "healthy", confidence: "high" });
    // The gateway's own 502s elsewhere are not among the stats lines' 5xx: they do not account for the four.
    const racer = racing({ target: "10.0.0.5:8080", errors502: 38, errorCodes: { ECONNRESET: 38 } });
    const e = ev([racer, quiet(tls)]);
    const d = diagnose({ ...e, logs: { ...e.logs, coverage: "errors-only", stats5xx: 4 } });
    expect(d.targets.find((x) => x.target === T1)).toMatchObject({ cause: "healthy", confidence: "low" });
    // the capture alone: nothing shows the TLS target's answers either
    const noLog = { present: false, coverage: "none" as const, status502: 0, econnreset: 0, byTarget: [] };
    const alone = diagnose(ev([quiet(tls)], { logs: noLog })).targets[0];
    expect(alone).toMatchObject({ cause: "healthy", confidence: "low" });
    expect(alone.summary).toMatch(/no gateway log is in the bundle to show the answers a target sent itself/);
  });

  it("below level info, a TLS target's cause is low when the unseen 5xx could outnumber what it explains", () => {
    // Blind world random-214 at level error: one race on a TLS target seen, its own 2 × 504 in no line, encrypted.
    const race = (encrypted: number) =>
      racing({
        errors502: 1,
        errorCodes: { ECONNRESET: 1 },
        capture: cap({ "keepalive-race": 1 }, { races: { "idle-timer": 1 }, profile: { ...profile(2600), encrypted } }),
      });
    const errorsOnly = (t: TargetEvidence, stats5xx: number) => {
      const e = ev([t]);
      return diagnose({ ...e, logs: { ...e.logs, coverage: "errors-only", stats5xx } }).targets[0];
    };
    const low = errorsOnly(race(30), 2);
    expect(low).toMatchObject({ cause: "keepalive-mismatch", confidence: "low" });
    expect(low.evidence.map((x) => x.label)).toContain(
      "the stats lines count 2 5xx answer(s) nothing here shows: its own 502 / 504s would not show",
    );
    expect(errorsOnly(race(30), 0)).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
    // A plain capture would show its own answers: the 5xx are another target's.
    expect(errorsOnly(race(0), 2)).toMatchObject({ cause: "keepalive-mismatch", confidence: "medium" });
  });

  it("failures outside the capture are weighed against the 502s its closes explain, not the responses cut by FIN", () => {
    // Blind world random-1097 with its capture cut before the middle failure: 2 hang-ups and 7 responses cut by FIN
    // (no 502: the status had gone on) on the wire, 3 resets outside it; truth both.
    const cutBy = (rst: number) =>
      target({
        errors502: 5 + rst,
        errorCodes: { ECONNRESET: 5 + rst, "ECONNRESET (aborted)": 7 },
        outsideCapture: 3,
        outsideCaptureCodes: { ECONNRESET: 3 },
        capture: cap(
          { "premature-close": 2, "target-reset-mid-response": 7 },
          {
            premature: { "answer-time": 2 },
            explained502: { "premature-close": 2, "target-reset-mid-response": rst, [CUT_NO_502]: 7 - rst },
          },
        ),
      });
    expect(diagnose(ev([cutBy(0)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "low" });
    // Cut by RST, each a 502: the capture explains 9 failures, and 3 outside leave it medium.
    expect(diagnose(ev([cutBy(7)])).targets[0]).toMatchObject({ cause: "premature-close", confidence: "medium" });
  });
});
