import { describe, expect, it } from "vitest";
import { mergeProfiles, OWN_ERROR_TIMES_MAX, type TargetProfile } from "./profile";

const profile = (p: Partial<TargetProfile>): TargetProfile => ({
  target: "10.0.0.1:8080",
  responseFloorMs: null,
  answered: 0,
  maxReuseGapMs: null,
  idleCloses: 0,
  quickCloses: 0,
  cluster: null,
  clusterNote: null,
  keepAliveHeaderS: null,
  serverErrors: {},
  invalidResponses: 0,
  encrypted: 0,
  ...p,
});

describe("one target in several captures (a rotated set)", () => {
  // The first file holds the idle timer's closes; the second the target's own 504s and quicker answers.
  const first = profile({
    responseFloorMs: 40,
    answered: 30,
    maxReuseGapMs: 900,
    idleCloses: 6,
    cluster: { ms: 1000, n: 6, spreadMs: 3, of: 6 },
    serverErrors: { "502": 1 },
  });
  const second = profile({
    responseFloorMs: 35,
    answered: 12,
    maxReuseGapMs: 400,
    idleCloses: 1,
    quickCloses: 2,
    keepAliveHeaderS: 5,
    serverErrors: { "502": 1, "504": 2 },
    encrypted: 3,
  });

  it("adds what is counted and keeps the best-supported idle timer, whichever file comes first", () => {
    for (const merged of [mergeProfiles(first, second), mergeProfiles(second, first)])
      expect(merged).toEqual({
        target: "10.0.0.1:8080",
        responseFloorMs: 35,
        answered: 42,
        maxReuseGapMs: 900,
        idleCloses: 7,
        quickCloses: 2,
        cluster: { ms: 1000, n: 6, spreadMs: 3, of: 6 },
        clusterNote: null,
        keepAliveHeaderS: 5,
        serverErrors: { "502": 2, "504": 2 },
        // The first file's profile predates the answers' times: unknown for both.
        ownErrorTimesMs: null,
        invalidResponses: 0,
        encrypted: 3,
      });
  });
  it("keeps the times of the target's own 502 / 504s of both files, or none past the cap", () => {
    const a = profile({ ownErrorTimesMs: { "502": [1, 2] } });
    const b = profile({ ownErrorTimesMs: { "504": [3] } });
    expect(mergeProfiles(a, b).ownErrorTimesMs).toEqual({ "502": [1, 2], "504": [3] });
    const many = profile({ ownErrorTimesMs: { "502": Array.from({ length: OWN_ERROR_TIMES_MAX }, (_, i) => i) } });
    expect(mergeProfiles(many, b).ownErrorTimesMs).toBeNull();
  });
});
