"use client";

import type { IncidentView } from "@/lib/api/incident-schema";
import { CAUSE_LABEL } from "@/lib/analysis/diagnosis/labels";
import { TargetVerdicts } from "./target-verdicts";

const CONFIDENCE_CLASS = { high: "bad", medium: "warn", low: "muted" } as const;

/** The answer first: the incident's verdict, then each failing target's cause, proof and fix. */
export function VerdictHeader({ view }: { view: IncidentView }) {
  const d = view.diagnosis;
  const failures = view.summary.status502 + view.summary.status504;
  return (
    <section className="panel verdict-panel" aria-labelledby="verdict-h" data-testid="verdict-header">
      <div className="verdict" role="status" data-testid="verdict" data-cause={d.verdict.cause}>
        <h2 id="verdict-h">
          <span className="muted">Verdict: </span>
          <span data-testid="verdict-cause">{CAUSE_LABEL[d.verdict.cause]}</span>
        </h2>
        <p className="facts">
          <span className={CONFIDENCE_CLASS[d.verdict.confidence]}>confidence {d.verdict.confidence}</span>
          {" · "}explains {d.verdict.explains502} of {failures} failures{" "}
          <span className="muted">({d.verdict.cause})</span>
        </p>
      </div>
      <TargetVerdicts targets={d.targets} rows={view.targets} />
    </section>
  );
}
