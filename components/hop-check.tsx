"use client";

import { useState } from "react";
import type { DiagnosisView } from "@/lib/api/diagnosis-schema";
import { InlineForm } from "./inline-form";

type Answers = { targetKeepAliveMs?: number | null; lbKeepAliveMs?: number | null };
const fmt = (ms: number | null) =>
  ms === null ? "unknown" : ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
const SOURCE: Record<string, string> = {
  config: "from the config",
  capture: "inferred from the capture",
  header: "Keep-Alive header",
  answer: "your answer",
  default: "Node default",
};

/** The three hops with their keep-alive timeouts, the broken rule highlighted, and inputs for the unknowns. */
export function HopCheck({
  d,
  onSave,
  readOnly = false,
}: {
  d: DiagnosisView;
  onSave: (a: Answers) => Promise<string | null>;
  readOnly?: boolean;
}) {
  const [target, setTarget] = useState(d.answers.targetKeepAliveMs?.toString() ?? "");
  const [lb, setLb] = useState(d.answers.lbKeepAliveMs?.toString() ?? "");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const toMs = (v: string) => (v.trim() === "" ? null : Number(v));
  const save = async () => {
    setSaving(true);
    setError(await onSave({ targetKeepAliveMs: toMs(target), lbKeepAliveMs: toMs(lb) }));
    setSaving(false);
  };
  const answers = [
    { label: "Target keep-alive (ms)", value: target, set: setTarget, testId: "answer-target" },
    { label: "Load balancer keep-alive (ms)", value: lb, set: setLb, testId: "answer-lb" },
  ];
  const broken = (name: string) => d.violations.find((v) => v.downstream === name);
  return (
    <div data-testid="hop-check">
      <ol
        aria-label="Keep-alive timeout per hop"
        style={{ display: "flex", gap: ".5rem", listStyle: "none", padding: 0, alignItems: "center", flexWrap: "wrap" }}
      >
        {d.hops.map((h, i) => {
          const v = broken(h.name);
          return (
            <li key={h.name} style={{ display: "flex", alignItems: "center", gap: ".5rem" }}>
              <div
                className="card"
                data-testid={`hop-${h.name === "client/load balancer" ? "lb" : h.name}`}
                style={{ minWidth: "10rem", border: v ? "2px solid #c0392b" : undefined }}
              >
                <div className="k">{h.name}</div>
                <div className="v">{fmt(h.keepAliveMs)}</div>
                <div className="muted">{h.source ? SOURCE[h.source] : "not in the bundle"}</div>
              </div>
              {i < d.hops.length - 1 && (
                <span
                  aria-label={v ? `breaks the rule by ${fmt(v.byMs)}` : "must be shorter than"}
                  className={v ? "bad" : "muted"}
                  style={{ fontWeight: 600 }}
                >
                  {"<"}
                  {v && (
                    <span data-testid="violation">
                      {" "}
                      ✗ {h.name} is {fmt(v.byMs)} too long
                    </span>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p className="muted">
        Rule: each hop keeps idle connections shorter than the next hop upstream: client/LB &lt; gateway &lt; target.
      </p>
      {!readOnly && (
        <InlineForm onSubmit={save}>
          {answers.map((a) => (
            <label key={a.testId}>
              {a.label}
              <br />
              <input
                type="number"
                min={1}
                inputMode="numeric"
                value={a.value}
                onChange={(e) => a.set(e.target.value)}
                data-testid={a.testId}
              />
            </label>
          ))}
          <button className="btn" type="submit" disabled={saving}>
            {saving ? "Saving…" : "Save answers"}
          </button>
          {error && (
            <span className="bad" role="alert">
              {error}
            </span>
          )}
        </InlineForm>
      )}
    </div>
  );
}
