/** Evidence builders for the diagnosis tests: one target on T1, a config, captures by class. */
import { diagnose, type DiagnosisEvidence, type TargetEvidence } from "./index";
import type { TargetProfile } from "@/lib/analysis/tcp/profile";

export const T1 = "127.0.0.1:28081";
export const config = (keepAliveTimeoutMs: number | null = 65000): NonNullable<DiagnosisEvidence["config"]> => ({
  present: true,
  keepAliveTimeoutMs,
  requestTimeoutS: 30,
  loggingLevel: "info",
  fileName: "acme-prod-config.yaml",
  proxies: [{ name: "edgemicro_orders", basePath: "/emg_badtarget", target: T1 }],
  configLine: { keepAliveTimeout: 4, proxies: 20 },
});
export const profile = (timerMs: number | null, n = 5): TargetProfile => ({
  target: T1,
  responseFloorMs: 41,
  answered: 30,
  maxReuseGapMs: 900,
  idleCloses: n,
  quickCloses: 0,
  cluster: timerMs === null ? null : { ms: timerMs, n, spreadMs: 4, of: n },
  clusterNote: null,
  keepAliveHeaderS: null,
  serverErrors: {},
  invalidResponses: 0,
  encrypted: 0,
});
export type Cap = NonNullable<TargetEvidence["capture"]>;
export const cap = (byClass: Record<string, number>, p: Partial<Cap> = {}): Cap => ({
  total: 20 + Object.values(byClass).reduce((a, b) => a + b, 0),
  byClass: { normal: 20, ...byClass },
  explained502: { ...byClass },
  races: {},
  profile: profile(null),
  prematurePaths: {},
  ...p,
});
export const target = (p: Partial<TargetEvidence> = {}): TargetEvidence => ({
  target: T1,
  proxy: "edgemicro_orders /emg_badtarget",
  requests: 25,
  answered: 22,
  errors502: 3,
  errors504: 0,
  targetAnswered502: 0,
  targetAnswered504: 0,
  errorCodes: { ECONNRESET: 3 },
  capture: null,
  ...p,
});
/** A bundle of only a config that leaves keep_alive_timeout unset: no logs, no capture. */
export const configOnlyEvidence = (): DiagnosisEvidence => ({
  logs: { present: false, coverage: "none", status502: 0, econnreset: 0, byTarget: [] },
  targets: [],
  config: config(null),
  capture: null,
  answers: {},
});
export const ev = (targets: TargetEvidence[], p: Partial<DiagnosisEvidence> = {}): DiagnosisEvidence => {
  const status502 = targets.reduce((a, t) => a + t.errors502, 0);
  const byClass: Record<string, number> = {};
  for (const t of targets)
    for (const [k, v] of Object.entries(t.capture?.byClass ?? {})) byClass[k] = (byClass[k] ?? 0) + v;
  const racer = targets.find((t) => t.capture?.profile?.cluster);
  return {
    logs: {
      present: true,
      coverage: "full",
      status502,
      econnreset: status502,
      byTarget: targets.map((t) => ({
        target: t.target,
        proxy: t.proxy,
        errors502: t.errors502,
        requests: t.requests,
      })),
    },
    targets,
    config: config(),
    capture: targets.some((t) => t.capture)
      ? {
          present: true,
          byClass,
          explained502: byClass,
          inferredTargetIdleMs: racer?.capture?.profile?.cluster?.ms ?? null,
          support: racer?.capture?.profile?.cluster?.n ?? 0,
          keepAliveHeaderS: null,
          target: racer?.target ?? null,
        }
      : null,
    answers: {},
    ...p,
  };
};
export const step = (d: ReturnType<typeof diagnose>, id: string) => d.steps.find((s) => s.id === id)!;
export const racing = (p: Partial<TargetEvidence> = {}) =>
  target({ capture: cap({ "keepalive-race": 3 }, { races: { "idle-timer": 3 }, profile: profile(2000) }), ...p });
