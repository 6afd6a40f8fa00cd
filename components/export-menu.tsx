"use client";

import { useEffect, useRef, useState } from "react";
import { titleSlug } from "@/lib/export/filename";
import { saveBlob, serializeTimeline, svgToPng } from "./export-chart";

const item: React.CSSProperties = {
  display: "block",
  width: "100%",
  textAlign: "left",
  padding: ".35rem .6rem",
  background: "none",
  border: 0,
  font: "inherit",
  color: "var(--accent)",
  cursor: "pointer",
  textDecoration: "none",
};

/** The incident's "Export" menu: Markdown report to copy or download, CSVs, the analysis JSON, the timeline as SVG/PNG. */
export function ExportMenu({ incidentId, title }: { incidentId: string; title: string }) {
  const [status, setStatus] = useState("");
  const ref = useRef<HTMLDetailsElement>(null);
  const base = `/api/incidents/${incidentId}/export`;
  const slug = titleSlug(title, incidentId);

  // Escape closes the menu and gives focus back to its button.
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && d.open) {
        d.open = false;
        d.querySelector("summary")?.focus();
      }
    };
    d.addEventListener("keydown", onKey);
    return () => d.removeEventListener("keydown", onKey);
  }, []);

  const copyReport = async () => {
    setStatus("Preparing the report…");
    try {
      const res = await fetch(`${base}/report.md`, { cache: "no-store" });
      if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? `HTTP ${res.status}`);
      await navigator.clipboard.writeText(await res.text());
      setStatus("Markdown report copied to the clipboard.");
    } catch (e) {
      setStatus(`Could not copy the report: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const chart = async (kind: "svg" | "png") => {
    const c = serializeTimeline(`502 timeline · ${title}`);
    if (!c) {
      setStatus("No timeline chart on the page to export.");
      return;
    }
    try {
      const blob = kind === "svg" ? new Blob([c.svg], { type: "image/svg+xml" }) : await svgToPng(c);
      saveBlob(blob, `${slug}-timeline.${kind}`);
      setStatus(`Timeline saved as ${kind.toUpperCase()}.`);
    } catch (e) {
      setStatus(`Could not export the chart: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <details ref={ref} data-testid="export-menu" style={{ position: "relative", display: "inline-block" }}>
      <summary className="btn secondary" style={{ listStyle: "none" }}>
        Export ▾
      </summary>
      <div
        role="group"
        aria-label="Export"
        className="panel"
        style={{
          position: "absolute",
          zIndex: 10,
          left: 0,
          minWidth: "18rem",
          marginTop: ".3rem",
          padding: ".4rem 0",
          boxShadow: "0 4px 14px rgba(0,0,0,.12)",
        }}
      >
        <button type="button" style={item} onClick={copyReport} data-testid="export-copy-md">
          Copy Markdown report
        </button>
        <a style={item} href={`${base}/report.md`} download data-testid="export-md">
          Download Markdown report (.md)
        </a>
        <a style={item} href={`${base}/targets.csv`} download data-testid="export-targets-csv">
          Per-target rates (CSV)
        </a>
        <a style={item} href={`${base}/transactions.csv`} download data-testid="export-transactions-csv">
          All transactions (CSV)
        </a>
        <a style={item} href={`${base}/analysis.json`} download data-testid="export-json">
          Whole analysis (JSON)
        </a>
        <a style={{ ...item, fontSize: ".8rem" }} href="/api/schema/analysis.json" target="_blank" rel="noreferrer">
          JSON schema of the analysis
        </a>
        <button type="button" style={item} onClick={() => chart("svg")} data-testid="export-chart-svg">
          Timeline chart (SVG)
        </button>
        <button type="button" style={item} onClick={() => chart("png")} data-testid="export-chart-png">
          Timeline chart (PNG)
        </button>
        <p
          role="status"
          aria-live="polite"
          className="muted"
          data-testid="export-status"
          style={{ margin: ".3rem .6rem 0", fontSize: ".8rem", minHeight: "1em" }}
        >
          {status}
        </p>
      </div>
    </details>
  );
}
