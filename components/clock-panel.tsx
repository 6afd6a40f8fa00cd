"use client";

import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import type { ClockAlignment } from "@/lib/api/clock-schema";

const signed = (ms: number) => `${ms > 0 ? "+" : ""}${Math.round(ms * 10) / 10} ms`;

/**
 * Log clock vs capture clock: the offset the 502↔close pairs agree on, and a person's override. Saving re-matches
 * the 502s to connections on the server and refreshes the page (diagnosis, connections, exports follow).
 */
export function ClockPanel({
  incidentId,
  initial,
  readOnly = false,
}: {
  incidentId: string;
  initial: ClockAlignment;
  readOnly?: boolean;
}) {
  const router = useRouter();
  const [a, setA] = useState(initial);
  const [value, setValue] = useState(initial.overrideMs?.toString() ?? "");
  const [status, setStatus] = useState("");
  const [saving, setSaving] = useState(false);

  // While files are parsing, the detection and the matches can still change.
  useEffect(() => {
    if (!a.pending) return;
    const timer = setTimeout(async () => {
      const res = await fetch(`/api/incidents/${incidentId}/clock`, { cache: "no-store" });
      if (res.ok) setA(await res.json());
    }, 1500);
    return () => clearTimeout(timer);
  }, [a, incidentId]);

  const save = async (offsetMs: number | null) => {
    setSaving(true);
    setStatus("Re-matching the 502s to the capture…");
    try {
      const res = await fetch(`/api/incidents/${incidentId}/clock`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ offsetMs }),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      setA(body);
      setValue(body.overrideMs?.toString() ?? "");
      setStatus(`${body.matched} of ${body.failures} 502s matched with ${signed(body.appliedOffsetMs)}.`);
      router.refresh();
    } catch (e) {
      setStatus(`Could not save the offset: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setSaving(false);
    }
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) {
      setStatus("Enter the offset in milliseconds (log clock minus capture clock), e.g. -1500.");
      return;
    }
    void save(n);
  };

  if (a.connections === 0 && !a.pending) return null;
  return (
    <section className="panel" aria-labelledby="clock-h" data-testid="clock-panel">
      <h2 id="clock-h">
        Clock alignment <span className="muted">(log clock − capture clock)</span>
      </h2>
      <p data-testid="clock-detected" style={{ margin: "0 0 .4rem" }}>
        {a.detectedOffsetMs === null
          ? `No offset detected: fewer than 3 of the ${a.failures} 502 / ECONNRESET lines agree on one with the captured closes.`
          : `Detected offset ${signed(a.detectedOffsetMs)} (from ${a.detectedPairs} matched pairs)${Math.abs(a.detectedOffsetMs) <= a.toleranceMs ? `: within the ±${a.toleranceMs} ms matching window, so no correction is needed` : ""}.`}
        {a.pending && <span className="muted"> Files are still parsing…</span>}
      </p>
      <p data-testid="clock-applied" style={{ margin: "0 0 .6rem" }}>
        In use: <strong>{a.source === "none" ? "no correction" : signed(a.appliedOffsetMs)}</strong>{" "}
        <span className="muted">
          ({a.source === "override" ? "set by hand" : a.source === "detected" ? "detected" : "clocks agree"})
        </span>
        {" · "}
        <span data-testid="clock-matched">
          {a.matched} of {a.failures}
        </span>{" "}
        502 / ECONNRESET lines matched to a connection close.
      </p>
      {!readOnly && (
        <form onSubmit={submit} style={{ display: "flex", gap: ".5rem", alignItems: "end", flexWrap: "wrap" }}>
          <label style={{ display: "grid", gap: ".2rem", fontSize: ".9rem" }}>
            Offset to use (ms)
            <input
              type="number"
              step="any"
              inputMode="decimal"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={a.detectedOffsetMs === null ? "e.g. -1500" : String(a.detectedOffsetMs)}
              data-testid="clock-input"
              aria-describedby="clock-help"
              style={{ width: "10rem", padding: ".35rem" }}
            />
          </label>
          <button className="btn" type="submit" disabled={saving}>
            Apply offset
          </button>
          <button
            className="btn secondary"
            type="button"
            disabled={saving || a.overrideMs === null}
            onClick={() => save(null)}
          >
            Reset to detected
          </button>
          <span id="clock-help" className="muted" style={{ fontSize: ".8rem", flexBasis: "100%" }}>
            Positive when the gateway host&apos;s clock is ahead of the capture host&apos;s. A log line and a close
            match within ±{a.toleranceMs} ms after the offset.
          </span>
        </form>
      )}
      <p
        role="status"
        aria-live="polite"
        className="muted"
        data-testid="clock-status"
        style={{ margin: ".4rem 0 0", minHeight: "1em" }}
      >
        {status}
      </p>
    </section>
  );
}
