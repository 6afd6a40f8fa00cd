import { z } from "zod";

/** The guided flow's answer as the incident JSON carries it (see lib/analysis/diagnosis/types.ts). */

const HopName = z.enum(["client/load balancer", "gateway", "target"]);
/** Every cause code a target can get (docs: README "Diagnosis"). */
/** The causes a target and the whole incident share; a target can also be healthy, an incident have no 502. */
const SHARED_CAUSES = [
  "keepalive-mismatch",
  "premature-close",
  "both",
  "target-unreachable",
  "gateway-timeout",
  "tls-error",
  "target-error",
  "insufficient-data",
] as const;
export const TARGET_CAUSES = ["healthy", ...SHARED_CAUSES] as const;
export const INCIDENT_CAUSES = ["no-502", ...SHARED_CAUSES] as const;
const Confidence = z.enum(["high", "medium", "low"]);
const EvidenceRef = z.object({
  kind: z.enum(["log", "config", "capture", "answer"]),
  label: z.string(),
  href: z.string().optional(),
});
const Fix = z.object({ title: z.string(), snippet: z.string(), notes: z.array(z.string()) });

export const TargetVerdictSchema = z.object({
  target: z.string(),
  proxy: z.string().nullable(),
  cause: z.enum(TARGET_CAUSES),
  confidence: Confidence,
  explains502: z.number(),
  idleTimeoutMs: z.number().nullable(),
  summary: z.string(),
  evidence: z.array(EvidenceRef),
  fix: Fix.nullable(),
});

export const DiagnosisSchema = z.object({
  verdict: z.object({
    cause: z.enum(INCIDENT_CAUSES),
    confidence: Confidence,
    explains502: z.number(),
    summary: z.string(),
  }),
  /** One verdict per target, failing targets first. */
  targets: z.array(TargetVerdictSchema),
  steps: z.array(
    z.object({
      id: z.enum(["find-502s", "which-target", "keepalive-order", "premature-close", "must-gather"]),
      title: z.string(),
      outcome: z.enum(["pass", "warn", "fail", "unknown", "ask"]),
      why: z.string(),
      evidence: z.array(EvidenceRef),
      readMore: z.string(),
      question: z
        .object({
          id: z.enum(["targetKeepAliveMs", "lbKeepAliveMs", "targetLogsChecked"]),
          prompt: z.string(),
          unit: z.enum(["ms", "choice"]),
        })
        .optional(),
    }),
  ),
  hops: z.array(
    z.object({
      name: HopName,
      keepAliveMs: z.number().nullable(),
      source: z.enum(["config", "capture", "header", "answer", "default"]).nullable(),
    }),
  ),
  violations: z.array(z.object({ upstream: HopName, downstream: HopName, byMs: z.number() })),
  fix: Fix.nullable(),
  mustGather: z.array(
    z.object({ item: z.string(), why: z.string(), command: z.string().optional(), href: z.string().optional() }),
  ),
  /** What the person answered, as saved with the incident. */
  answers: z.lazy(() => DiagnosisAnswers),
});
export type DiagnosisView = z.infer<typeof DiagnosisSchema>;

const MAX_MS = 24 * 3600 * 1000;
/** `PUT /api/incidents/{id}/answers`: each answer in ms; null clears it. */
export const DiagnosisAnswers = z
  .object({
    targetKeepAliveMs: z.number().int().min(1).max(MAX_MS).optional(),
    lbKeepAliveMs: z.number().int().min(1).max(MAX_MS).optional(),
    targetLogsChecked: z.enum(["yes-closed", "yes-nothing", "no"]).optional(),
  })
  .strict();
export const AnswersPut = z
  .object({
    targetKeepAliveMs: z.number().int().min(1).max(MAX_MS).nullable().optional(),
    lbKeepAliveMs: z.number().int().min(1).max(MAX_MS).nullable().optional(),
    targetLogsChecked: z.enum(["yes-closed", "yes-nothing", "no"]).nullable().optional(),
  })
  .strict();
export type AnswersPut = z.infer<typeof AnswersPut>;
