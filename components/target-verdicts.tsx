"use client";

import { useState } from "react";
import type { DiagnosisView } from "@/lib/api/diagnosis-schema";
import { CAUSE_LABEL } from "@/lib/analysis/diagnosis/labels";

type TargetVerdict = DiagnosisView["targets"][number];
const CONFIDENCE_CLASS = { high: "bad", medium: "warn", low: "muted" } as const;
const dur = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${ms} ms`);

/** One block per failing target (cause, confidence, evidence, fix to copy); healthy targets in one line. */
export function TargetVerdicts({ targets }: { targets: TargetVerdict[] }) {
  const failing = targets.filter((t) => t.cause !== "healthy");
  const healthy = targets.filter((t) => t.cause === "healthy");
  if (targets.length === 0) return null;
  return (
    <div data-testid="target-verdicts">
      <h3>Verdict per target</h3>
      {failing.map((t, i) => <TargetBlock key={t.target} t={t} primary={i === 0} />)}
      {healthy.length > 0 && (
        <p className="good" data-testid="healthy-targets">Healthy: {healthy.map((t) => t.target).join(", ")}</p>
      )}
    </div>
  );
}

function TargetBlock({ t, primary }: { t: TargetVerdict; primary: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!t.fix) return;
    try {
      await navigator.clipboard.writeText(t.fix.snippet);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <article className="note" data-testid="target-verdict" data-target={t.target} data-cause={t.cause} style={{ marginBottom: ".8rem" }}>
      <h4 style={{ margin: 0 }}>
        {t.target}{t.proxy ? <span className="muted"> · {t.proxy}</span> : null}: {CAUSE_LABEL[t.cause]}
      </h4>
      <p style={{ margin: ".2rem 0" }}>
        <span className={CONFIDENCE_CLASS[t.confidence]}>confidence {t.confidence}</span>
        {" · "}explains {t.explains502} failure(s){t.idleTimeoutMs !== null ? ` · target idle timeout ≈ ${dur(t.idleTimeoutMs)}` : ""}
      </p>
      <p style={{ margin: ".2rem 0" }}>{t.summary}</p>
      {t.evidence.length > 0 && (
        <ul aria-label={`Evidence for ${t.target}`}>
          {t.evidence.map((e, i) => (
            <li key={i}>
              {e.kind === "answer" ? <strong>Your answer: </strong> : <span className="muted">{e.kind}: </span>}
              {e.href ? <a href={e.href}>{e.label}</a> : e.label}
            </li>
          ))}
        </ul>
      )}
      {t.fix && (
        <div data-testid="fix">
          <strong>Fix: {t.fix.title}</strong>
          <pre data-testid={primary ? "fix-snippet" : "target-fix-snippet"} className="snippet"><code>{t.fix.snippet}</code></pre>
          <button type="button" className="btn secondary" onClick={() => void copy()} aria-label={`Copy the fix for ${t.target}`}>{copied ? "Copied" : "Copy fix"}</button>
          <ul>{t.fix.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        </div>
      )}
    </article>
  );
}
