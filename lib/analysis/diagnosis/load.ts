import type { IncidentView } from "@/lib/api/incident-schema";
import { isCaptureKind } from "@/lib/ingest/file-kinds";
import { DiagnosisAnswers, type DiagnosisView } from "@/lib/api/diagnosis-schema";
import { diagnose } from "./diagnose";
import type { DiagnosisEvidence, TargetEvidence } from "./types";

type BaseView = Omit<IncidentView, "diagnosis">;

/** Saved answers, tolerant of anything odd stored in the JSON column. */
export function parseAnswers(raw: unknown): DiagnosisEvidence["answers"] {
  const r = DiagnosisAnswers.safeParse(raw ?? {});
  return r.success ? r.data : {};
}

/** Capture facts over every target, from the typed target rows of the view. */
function captureFacts(view: BaseView, targets: TargetEvidence[]): DiagnosisEvidence["capture"] {
  const hasCapture = view.files.some((f) => isCaptureKind(f.kind) && f.status === "done");
  const byClass: Record<string, number> = {};
  const explained502: Record<string, number> = {};
  for (const t of targets) {
    for (const [k, v] of Object.entries(t.capture?.byClass ?? {})) byClass[k] = (byClass[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.capture?.explained502 ?? {})) explained502[k] = (explained502[k] ?? 0) + v;
  }
  if (!hasCapture && !targets.some((t) => t.capture)) return null;
  // The hop check speaks of the target that races most; its idle timer and announced timeout.
  const racer = [...targets]
    .filter((t) => t.capture?.profile)
    .sort((a, b) => (b.capture!.byClass["keepalive-race"] ?? 0) - (a.capture!.byClass["keepalive-race"] ?? 0))[0];
  const p = racer?.capture?.profile ?? null;
  return {
    present: true,
    byClass,
    inferredTargetIdleMs: p?.cluster?.ms ?? null,
    support: p?.cluster?.n ?? 0,
    keepAliveHeaderS: p?.keepAliveHeaderS ?? null,
    explained502,
    target: racer?.target ?? null,
    coversLog: view.summary.captureCoversLog,
    outsideLogShare: view.summary.captureOutsideLogShare,
  };
}

function targetEvidence(view: BaseView): TargetEvidence[] {
  return view.targets.map((t) => ({
    target: t.target,
    proxy: t.proxy,
    requests: t.requests,
    answered: t.answered,
    errors502: t.errors502,
    errors504: t.errors504,
    targetAnswered502: t.targetAnswered502,
    targetAnswered504: t.targetAnswered504,
    errorCodes: t.errorCodes,
    outsideCapture: t.failuresOutsideCapture,
    outsideCaptureCodes: t.failuresOutsideCaptureCodes,
    abortedDurations: t.abortedDurations,
    capture:
      t.connections.total > 0
        ? {
            total: t.connections.total,
            byClass: t.connections.byClass,
            explained502: t.explained502,
            races: t.races,
            premature: t.premature,
            profile: t.profile,
            prematurePaths: t.prematurePaths,
            gatewayCloseQuiet: t.gatewayCloseQuiet,
            tlsFailures: t.tlsFailures,
            outsideLog: t.outsideLog,
          }
        : null,
  }));
}

/**
 * The config that runs: ORG-ENV-config.yaml before the default.yaml template and other YAML; of two such (two
 * environments' configs), the one whose proxies name more of the targets the log and captures show; then by name.
 */
function runningConfig(view: BaseView) {
  const files = view.files.filter((f) => f.kind === "gateway-config" && f.status === "done" && f.counts.config);
  const rank = (name: string) => (/-config\.ya?ml$/i.test(name) ? 0 : /(^|\/)default\.ya?ml$/i.test(name) ? 2 : 1);
  const seen = new Set(view.targets.map((t) => t.target));
  const named = (f: (typeof files)[number]) =>
    (f.counts.config?.proxies ?? []).filter((p) => p.target && seen.has(`${p.target.host}:${p.target.port}`)).length;
  return files.sort((a, b) => rank(a.name) - rank(b.name) || named(b) - named(a))[0] ?? null;
}

/** Builds the evidence from what the incident view already holds plus the stored configs and answers. */
export function evidenceFromView(view: BaseView, answersRaw: unknown): DiagnosisEvidence {
  const s = view.summary;
  const configFile = runningConfig(view);
  const cfg = configFile?.counts.config ?? null;
  const targets = targetEvidence(view);
  return {
    incidentId: view.id,
    logs: {
      present: s.logCoverage !== "none" || view.files.some((f) => f.kind === "gateway-log" && f.status === "done"),
      coverage: s.logCoverage,
      status502: s.status502,
      econnreset: s.errorCodes.ECONNRESET ?? 0,
      byTarget: view.targets.map((t) => ({
        target: t.target,
        proxy: t.proxy,
        errors502: t.errors502,
        requests: t.requests,
      })),
      stats5xx: s.statsTotals?.s5xx ?? null,
    },
    targets,
    config: cfg
      ? {
          present: true,
          keepAliveTimeoutMs: cfg.edgemicro?.keep_alive_timeout ?? null,
          requestTimeoutS: cfg.edgemicro?.request_timeout ?? null,
          loggingLevel: cfg.edgemicro?.logging?.level ?? null,
          proxies: (cfg.proxies ?? []).map((p) => ({
            name: p.name,
            basePath: p.base_path,
            target: p.target ? `${p.target.host}:${p.target.port}` : null,
            timeoutMs: p.timeout ?? null,
          })),
          configLine: {
            keepAliveTimeout: cfg.lines?.keepAliveTimeout,
            loggingLevel: cfg.lines?.loggingLevel,
            requestTimeout: cfg.lines?.requestTimeout,
            proxies: cfg.lines?.proxies,
          },
          fileName: configFile!.name.split("/").pop(),
        }
      : null,
    capture: captureFacts(view, targets),
    answers: parseAnswers(answersRaw),
  };
}

export function diagnosisForView(view: BaseView, answersRaw: unknown): DiagnosisView {
  const evidence = evidenceFromView(view, answersRaw);
  return { ...diagnose(evidence), answers: evidence.answers };
}
