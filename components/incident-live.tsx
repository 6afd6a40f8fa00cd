"use client";

import { useEffect, useMemo, useState } from "react";
import type { IncidentView } from "@/lib/api/incident-schema";
import type { IncidentProgress } from "@/lib/analysis/incident-view";
import { timelineChartData } from "@/lib/analysis/chart-data";
import { fmtRange } from "@/lib/format";
import { DiagnosisPanel } from "./diagnosis-panel";
import { FileList } from "./file-list";
import { downloadRule } from "@/lib/ingest/downloadable";
import { IncidentTitle } from "./incident-title";
import { TargetTable } from "./target-table";
import { TimelineChart } from "./timeline-chart";

/** The incident page body; refreshes itself while files are still parsing. */
export function IncidentLive({ initial, readOnly = false, canDownload = false }: { initial: IncidentView; readOnly?: boolean; canDownload?: boolean }) {
  const [view, setView] = useState(initial);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!view.pending) return;
    // Cheap poll of the files' progress; the whole view is fetched again only when a file changed status
    // (the page fills in as files finish). A failed poll is retried, never the end of updates.
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/api/incidents/${view.id}/progress`, { cache: "no-store" });
        if (!res.ok) return setTick((n) => n + 1);
        const p = (await res.json()) as IncidentProgress;
        const before = new Map(view.files.map((f) => [f.id, f.status]));
        const changed = p.files.length !== view.files.length || p.files.some((f) => before.get(f.id) !== f.status);
        if (changed) {
          const full = await fetch(`/api/incidents/${view.id}`, { cache: "no-store" });
          if (full.ok) return setView(await full.json());
          return setTick((n) => n + 1);
        }
        const bytes = new Map(p.files.map((f) => [f.id, f.bytesDone]));
        setView({ ...view, files: view.files.map((f) => ({ ...f, bytesDone: bytes.get(f.id) ?? f.bytesDone })) });
      } catch {
        setTick((n) => n + 1);
      }
    }, 700);
    return () => clearTimeout(timer);
  }, [view, tick]);
  const chart = useMemo(() => timelineChartData(view.timeline), [view.timeline]);
  const s = view.summary;

  return (
    <>
      <section className="panel">
        <IncidentTitle id={view.id} title={view.title} note={view.note} readOnly={readOnly} onSaved={(patch) => setView({ ...view, ...patch })} />
        <p className="muted">{fmtRange(s.firstTs, s.lastTs)}{view.pending && " · parsing…"}</p>
        <div className="cards" data-testid="summary">
          <div className="card"><div className="v bad" data-testid="count-502">{s.status502}</div><div className="k">502 responses</div></div>
          <div className="card"><div className="v">{s.status504}</div><div className="k">504 (gateway timeout)</div></div>
          <div className="card"><div className="v">{s.transactions}</div><div className="k">transactions in logs</div></div>
          <div className="card"><div className="v">{Object.entries(s.errorCodes).map(([c, n]) => `${c} ${n}`).join(", ") || "—"}</div><div className="k">error codes</div></div>
          <div className="card"><div className="v">{view.files.length}</div><div className="k">files{s.malformedLines ? ` · ${s.malformedLines} malformed lines` : ""}</div></div>
        </div>
        {s.logCoverage === "errors-only" && (
          <p className="note" style={{ marginTop: ".8rem" }}>
            The logs were written at level <code>error</code>: only failures are logged, so request counts and error rates per target are unknown.
            {s.statsTotals ? ` The gateway's stats lines count ${s.statsTotals.requests} requests and ${s.statsTotals.s5xx} 5xx responses in all.` : " No stats lines were found either."}
            {" "}Set <code>edgemicro.logging.level: info</code> to see every request.
          </p>
        )}
      </section>
      {view.diagnosis && <DiagnosisPanel view={view} onView={setView} readOnly={readOnly} />}
      <section className="panel" aria-labelledby="timeline-h">
        <h2 id="timeline-h">502 timeline <span className="muted">({Math.round(view.timeline.bucketMs / 1000)} s buckets, stacked by error code)</span></h2>
        <TimelineChart data={chart} />
      </section>
      <section className="panel" aria-labelledby="targets-h">
        <h2 id="targets-h">Targets</h2>
        <TargetTable rows={view.targets} />
      </section>
      <section className="panel" aria-labelledby="files-h">
        <h2 id="files-h">Files</h2>
        <FileList files={view.files} downloadHref={canDownload ? (f) => (downloadRule(f, readOnly).ok ? `/api/incidents/${view.id}/files/${f.id}` : undefined) : undefined} />
      </section>
    </>
  );
}
