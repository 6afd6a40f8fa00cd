import type { Db } from "@/lib/db/client";
import type { IncidentView } from "@/lib/api/incident-schema";
import { DiagnosisAnswers, type DiagnosisView } from "@/lib/api/diagnosis-schema";
import type { GatewayConfig } from "@/lib/parsers/config";
import { diagnose } from "./diagnose";
import type { DiagnosisEvidence } from "./types";

type BaseView = Omit<IncidentView, "diagnosis">;
const CAPTURE_KINDS = new Set(["pcap", "pcapng"]);

/** Saved answers, tolerant of anything odd stored in the JSON column. */
export function parseAnswers(raw: unknown): DiagnosisEvidence["answers"] {
  const r = DiagnosisAnswers.safeParse(raw ?? {});
  return r.success ? r.data : {};
}

/**
 * Capture facts per target, as the connection analysis adds them to the view's target rows
 * (`connections.byClass`, `inferredIdleTimeoutMs`, `explained502`). Read defensively: absent → null.
 */
function captureFacts(view: BaseView): DiagnosisEvidence["capture"] {
  const hasCapture = view.files.some((f) => CAPTURE_KINDS.has(f.kind) && f.status === "done");
  const byClass: Record<string, number> = {};
  const explained502: Record<string, number> = {};
  let idle: number | null = null;
  let header: number | null = null;
  let support = 0;
  let seen = false;
  for (const t of view.targets as Array<Record<string, unknown>>) {
    const conn = t.connections as { total?: number; byClass?: Record<string, number>; keepAliveHeaderS?: number | null; idleGaps?: number } | undefined;
    if (typeof t.idleTimeoutSupport === "number") support += t.idleTimeoutSupport;
    if (conn && typeof conn === "object") {
      // Rows without a capture carry zeroed connection facts: only connections seen count as a capture.
      if ((conn.total ?? 0) > 0) seen = true;
      for (const [k, v] of Object.entries(conn.byClass ?? {})) if (typeof v === "number") byClass[k] = (byClass[k] ?? 0) + v;
      if (typeof conn.keepAliveHeaderS === "number") header ??= conn.keepAliveHeaderS;
      if (typeof conn.idleGaps === "number") support += conn.idleGaps;
    }
    const inferred = t.inferredIdleTimeoutMs;
    if (typeof inferred === "number") idle ??= inferred;
    else if (inferred && typeof inferred === "object") {
      const o = inferred as { ms?: number; support?: number };
      if (typeof o.ms === "number") idle ??= o.ms;
      if (typeof o.support === "number") support += o.support;
    }
    const ex = t.explained502;
    if (typeof ex === "number") {
      const cls = (byClass["keepalive-race"] ?? 0) > 0 ? "keepalive-race" : "premature-close";
      explained502[cls] = (explained502[cls] ?? 0) + ex;
    } else if (ex && typeof ex === "object") {
      for (const [k, v] of Object.entries(ex as Record<string, unknown>)) if (typeof v === "number") explained502[k] = (explained502[k] ?? 0) + v;
    }
  }
  if (!hasCapture && !seen) return null;
  return { present: true, byClass, inferredTargetIdleMs: idle, support, keepAliveHeaderS: header, explained502 };
}

/** Builds the evidence from what the incident view already holds plus the stored configs and answers. */
export function evidenceFromView(view: BaseView, answersRaw: unknown): DiagnosisEvidence {
  const s = view.summary;
  const configFile = view.files.find((f) => f.kind === "gateway-config" && f.status === "done" && (f.counts as { config?: unknown }).config);
  const cfg = configFile ? ((configFile.counts as { config: GatewayConfig }).config) : null;
  return {
    incidentId: view.id,
    logs: {
      present: s.logCoverage !== "none" || view.files.some((f) => f.kind === "gateway-log" && f.status === "done"),
      coverage: s.logCoverage,
      status502: s.status502,
      econnreset: s.errorCodes.ECONNRESET ?? 0,
      byTarget: view.targets.map((t) => ({ target: t.target, proxy: t.proxy, errors502: t.errors502, requests: t.requests })),
    },
    config: cfg
      ? {
          present: true,
          keepAliveTimeoutMs: cfg.edgemicro?.keep_alive_timeout ?? null,
          requestTimeoutS: cfg.edgemicro?.request_timeout ?? null,
          loggingLevel: cfg.edgemicro?.logging?.level ?? null,
          proxies: (cfg.proxies ?? []).map((p) => ({ name: p.name, basePath: p.base_path, target: p.target ? `${p.target.host}:${p.target.port}` : null })),
          configLine: { keepAliveTimeout: cfg.lines?.keepAliveTimeout, loggingLevel: cfg.lines?.loggingLevel, requestTimeout: cfg.lines?.requestTimeout, proxies: cfg.lines?.proxies },
          fileName: configFile!.name.split("/").pop(),
        }
      : null,
    capture: captureFacts(view),
    answers: parseAnswers(answersRaw),
  };
}

export function diagnosisForView(view: BaseView, answersRaw: unknown): DiagnosisView {
  const evidence = evidenceFromView(view, answersRaw);
  return { ...diagnose(evidence), answers: evidence.answers };
}

/** Attaches `diagnosis` to a freshly built view; reads the saved answers from the incident row. */
export async function withDiagnosis(db: Db, view: BaseView): Promise<IncidentView> {
  const row = await db.incident.findUnique({ where: { id: view.id }, select: { answers: true } });
  return { ...view, diagnosis: diagnosisForView(view, row?.answers) } as IncidentView;
}
