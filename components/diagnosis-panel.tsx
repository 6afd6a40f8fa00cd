"use client";

import { useState } from "react";
import type { IncidentView } from "@/lib/api/incident-schema";
import { HopCheck } from "./hop-check";

const BADGE: Record<string, string> = { pass: "good", warn: "warn", fail: "bad", ask: "warn", unknown: "muted" };

/** The guided flow below the verdict: steps to walk, hop check with answers, the must-gather list. */
export function DiagnosisPanel({
  view,
  onView,
  readOnly = false,
}: {
  view: IncidentView;
  onView: (v: IncidentView) => void;
  readOnly?: boolean;
}) {
  const d = view.diagnosis;
  const [open, setOpen] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(d.steps.map((s) => [s.id, s.outcome === "fail" || s.outcome === "ask"])),
  );
  const saveAnswers = async (answers: Record<string, unknown>): Promise<string | null> => {
    const res = await fetch(`/api/incidents/${view.id}/answers`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(answers),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) return body?.error?.message ?? "Could not save the answers.";
    onView(body);
    return null;
  };
  return (
    <section className="panel" aria-labelledby="diagnosis-h" data-testid="diagnosis">
      <h2 id="diagnosis-h">How the verdict was reached</h2>
      <p className="muted" data-testid="verdict-summary">
        {d.verdict.summary}
      </p>

      <h3>Steps</h3>
      <ol data-testid="steps" style={{ paddingLeft: "1.2rem" }}>
        {d.steps.map((s) => (
          <li key={s.id} data-testid={`step-${s.id}`} data-outcome={s.outcome} style={{ marginBottom: ".5rem" }}>
            <button
              type="button"
              className="btn secondary"
              aria-expanded={!!open[s.id]}
              aria-controls={`step-body-${s.id}`}
              onClick={() => setOpen({ ...open, [s.id]: !open[s.id] })}
            >
              {open[s.id] ? "▾" : "▸"} {s.title}
            </button>{" "}
            <span className={BADGE[s.outcome]} style={{ fontWeight: 600, textTransform: "uppercase" }}>
              {s.outcome}
            </span>{" "}
            <span>{s.why}</span>
            {open[s.id] && (
              <div id={`step-body-${s.id}`} style={{ margin: ".3rem 0 0 1rem" }}>
                {s.evidence.length > 0 && (
                  <ul aria-label="Evidence">
                    {s.evidence.map((e, i) => (
                      <li key={i}>
                        <span className="muted">{e.kind}:</span> {e.href ? <a href={e.href}>{e.label}</a> : e.label}
                      </li>
                    ))}
                  </ul>
                )}
                {s.question?.id === "targetLogsChecked" && (
                  <p>
                    {s.question.prompt}{" "}
                    <button
                      type="button"
                      className="btn secondary"
                      onClick={() => void saveAnswers({ targetLogsChecked: "yes-closed" })}
                    >
                      Yes, it closed them
                    </button>{" "}
                    <button
                      type="button"
                      className="btn secondary"
                      onClick={() => void saveAnswers({ targetLogsChecked: "yes-nothing" })}
                    >
                      Checked, nothing
                    </button>
                  </p>
                )}
                {s.question && s.question.unit === "ms" && (
                  <p className="muted">{s.question.prompt} Enter it in the hop check below.</p>
                )}
                <a href={s.readMore} target="_blank" rel="noreferrer">
                  Read more in the troubleshooting guide
                </a>
              </div>
            )}
          </li>
        ))}
      </ol>

      <h3>Keep-alive hop check</h3>
      <HopCheck key={JSON.stringify(d.answers)} d={d} onSave={saveAnswers} readOnly={readOnly} />

      {d.mustGather.length > 0 && (
        <div data-testid="must-gather">
          <h3>Must gather</h3>
          <ul>
            {d.mustGather.map((m) => (
              <li key={m.item}>
                <label>
                  <input type="checkbox" /> <strong>{m.item}</strong>
                </label>{" "}
                <span className="muted">— {m.why}</span>
                {m.command && (
                  <div>
                    On the gateway host, with the <a href={m.href}>collector</a>:{" "}
                    <code data-testid="must-gather-command">{m.command}</code>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
