"use client";

import { useState } from "react";
import type { IncidentView } from "@/lib/api/incident-schema";
import { CAUSE_LABEL } from "@/lib/analysis/diagnosis/labels";
import { keyEvidence } from "@/lib/analysis/key-evidence";

type TargetVerdict = IncidentView["diagnosis"]["targets"][number];
type TargetRow = IncidentView["targets"][number];
const CONFIDENCE_CLASS = { high: "bad", medium: "warn", low: "muted" } as const;
const dur = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${ms} ms`);

/** One card per failing target (cause, confidence, the evidence that proves it, the fix to copy); healthy targets in one line. */
export function TargetVerdicts({ targets, rows }: { targets: TargetVerdict[]; rows: TargetRow[] }) {
  const failing = targets.filter((t) => t.cause !== "healthy");
  const healthy = targets.filter((t) => t.cause === "healthy");
  if (targets.length === 0) return null;
  return (
    <div data-testid="target-verdicts">
      <div className="verdict-grid">
        {failing.map((t, i) => (
          <TargetCard key={t.target} t={t} row={rows.find((r) => r.target === t.target)} primary={i === 0} />
        ))}
      </div>
      {healthy.length > 0 && (
        <p className="good healthy-line" data-testid="healthy-targets">
          ✓ Healthy ({healthy.length}): {healthy.map((t) => `${t.target}${t.proxy ? ` (${t.proxy})` : ""}`).join(", ")}
        </p>
      )}
    </div>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <button type="button" className="btn secondary small" onClick={() => void copy()} aria-label={label}>
      {copied ? "Copied" : "Copy fix"}
    </button>
  );
}

function TargetCard({ t, row, primary }: { t: TargetVerdict; row: TargetRow | undefined; primary: boolean }) {
  const proof = keyEvidence(t, row);
  return (
    <article
      className="verdict-card"
      data-testid="target-verdict"
      data-target={t.target}
      data-cause={t.cause}
      aria-labelledby={`tv-${t.target}`}
    >
      <h3 id={`tv-${t.target}`}>
        <code>{t.target}</code>
        {t.proxy ? <span className="muted"> · {t.proxy}</span> : null}
      </h3>
      <p className="cause" data-testid="target-cause">
        {CAUSE_LABEL[t.cause]}
      </p>
      <p className="facts">
        <span className={CONFIDENCE_CLASS[t.confidence]}>confidence {t.confidence}</span>
        {" · "}explains {t.explains502} failure{t.explains502 === 1 ? "" : "s"}
        {t.idleTimeoutMs !== null ? ` · target idle timeout ≈ ${dur(t.idleTimeoutMs)}` : ""}
      </p>
      {proof.length > 0 && (
        <ul className="proof" aria-label={`Evidence for ${t.target}`} data-testid="key-evidence">
          {proof.map((e, i) => (
            <li key={i}>{e.href ? <a href={e.href}>{e.text}</a> : e.text}</li>
          ))}
        </ul>
      )}
      {t.fix && (
        <div data-testid="fix" className="fix">
          <div className="fix-head">
            <strong>Fix: {t.fix.title}</strong>
            <CopyButton text={t.fix.snippet} label={`Copy the fix for ${t.target}`} />
          </div>
          <pre data-testid={primary ? "fix-snippet" : "target-fix-snippet"} className="snippet">
            <code>{t.fix.snippet}</code>
          </pre>
          {t.fix.notes.length > 0 && (
            <details>
              <summary>Why this fix ({t.fix.notes.length} notes)</summary>
              <ul>
                {t.fix.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
      <details>
        <summary>All evidence and the diagnosis summary</summary>
        <p>{t.summary}</p>
        <ul aria-label={`All evidence for ${t.target}`}>
          {t.evidence.map((e, i) => (
            <li key={i}>
              {e.kind === "answer" ? <strong>Your answer: </strong> : <span className="muted">{e.kind}: </span>}
              {e.href ? <a href={e.href}>{e.label}</a> : e.label}
            </li>
          ))}
        </ul>
      </details>
    </article>
  );
}
