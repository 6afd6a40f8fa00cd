"use client";

import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { IncidentView } from "@/lib/api/incident-schema";
import type { IncidentProgress } from "@/lib/incidents/view";
import { restartMarkers, timelineChartData } from "@/lib/analysis/chart-data";
import { incidentWorkerRestarts, restartMarkerEvents } from "@/lib/incidents/worker-restarts";
import { fmtRange } from "@/lib/format";
import { DiagnosisPanel } from "./diagnosis-panel";
import { FileList } from "./file-list";
import { downloadRule } from "@/lib/ingest/downloadable";
import { InputBanner } from "./input-banner";
import { ParsingState } from "./parsing-state";
import { VerdictHeader } from "./verdict-header";
import { nothingUsable } from "@/lib/analysis/input-problems";
import { IncidentTitle } from "./incident-title";
import { TargetTable } from "./target-table";
import { TimelineChart } from "./timeline-chart";
import { WorkerRestartsNote } from "./worker-restarts-note";

/**
 * The incident page body, answer first: verdict and per-target fixes, then the evidence charts (server parts passed
 * in as `evidence`), then the guided flow, timeline, targets and files. Refreshes itself while files are parsing,
 * and shows no verdict until they are done: a verdict over half the data would be a wrong answer.
 */
export function IncidentLive({
  initial,
  readOnly = false,
  canDownload = false,
  toolbar,
  evidence,
}: {
  initial: IncidentView;
  readOnly?: boolean;
  canDownload?: boolean;
  toolbar?: ReactNode;
  evidence?: ReactNode;
}) {
  const [view, setView] = useState(initial);
  const [tick, setTick] = useState(0);
  // What the person saved here (title, note) wins over a poll answer fetched before the save landed.
  const edits = useRef<Partial<Pick<IncidentView, "title" | "note">>>({});
  const router = useRouter();
  // Parsing just finished: the server parts (charts, clock) were rendered without data; fetch them again.
  const wasPending = useRef(initial.pending);
  useEffect(() => {
    if (wasPending.current && !view.pending) router.refresh();
    wasPending.current = view.pending;
  }, [view.pending, router]);
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
          if (full.ok) {
            const next = (await full.json()) as IncidentView;
            return setView({ ...next, ...edits.current });
          }
          return setTick((n) => n + 1);
        }
        const bytes = new Map(p.files.map((f) => [f.id, f.bytesDone]));
        setView((v) => ({ ...v, files: v.files.map((f) => ({ ...f, bytesDone: bytes.get(f.id) ?? f.bytesDone })) }));
      } catch {
        setTick((n) => n + 1);
      }
    }, 700);
    return () => clearTimeout(timer);
  }, [view, tick]);
  const chart = useMemo(() => timelineChartData(view.timeline), [view.timeline]);
  const workers = useMemo(() => incidentWorkerRestarts(view), [view]);
  const restarts = useMemo(() => restartMarkers(chart, restartMarkerEvents(workers)), [chart, workers]);
  const s = view.summary;

  const unusable = nothingUsable(view.files);
  const ready = !view.pending && !unusable;
  const files = (
    <section className="panel" aria-labelledby="files-h">
      <h2 id="files-h">Files</h2>
      <FileList
        files={view.files}
        downloadHref={
          canDownload
            ? (f) => (downloadRule(f, readOnly).ok ? `/api/incidents/${view.id}/files/${f.id}` : undefined)
            : undefined
        }
      />
    </section>
  );

  return (
    <>
      <div className="incident-head">
        <IncidentTitle
          id={view.id}
          title={view.title}
          note={view.note}
          readOnly={readOnly}
          onSaved={(patch) => {
            edits.current = { ...edits.current, ...patch };
            setView((v) => ({ ...v, ...patch }));
          }}
        />
        <p className="muted" data-testid="incident-meta">
          {fmtRange(s.firstTs, s.lastTs)}
          {ready &&
            ` · ${s.status502} × 502 · ${s.status504} × 504 · ${s.transactions} transactions · ${view.files.length} files`}
          {view.pending && " · parsing…"}
        </p>
      </div>
      <InputBanner files={view.files} />
      {view.pending && <ParsingState files={view.files} />}
      {unusable && (
        <section className="panel" data-testid="nothing-usable" role="alert">
          <h2>No file in this upload could be used</h2>
          <p>
            Nothing here is a Microgateway log, config or capture the diagnosis can read, so there is no verdict. The
            banner above says why for each file; upload the gateway&apos;s <code>*-api.log</code>, its config YAML and a
            tcpdump of the gateway → target leg.
          </p>
        </section>
      )}
      {ready && view.diagnosis && <VerdictHeader view={view} />}
      {toolbar}
      {ready && evidence}
      {ready && (
        <section className="panel" data-testid="summary-panel" aria-labelledby="summary-h">
          <h2 id="summary-h">In numbers</h2>
          <div className="cards" data-testid="summary">
            <div className="card">
              <div className="v bad" data-testid="count-502">
                {s.status502}
              </div>
              <div className="k">502 responses</div>
            </div>
            <div className="card">
              <div className="v">{s.status504}</div>
              <div className="k">504 (gateway timeout)</div>
            </div>
            <div className="card">
              <div className="v">{s.transactions}</div>
              <div className="k">transactions in logs</div>
            </div>
            <div className="card">
              <div className="v">
                {Object.entries(s.errorCodes)
                  .map(([c, n]) => `${c} ${n}`)
                  .join(", ") || "—"}
              </div>
              <div className="k">error codes</div>
            </div>
            <div className="card">
              <div className="v">{view.files.length}</div>
              <div className="k">files{s.malformedLines ? ` · ${s.malformedLines} malformed lines` : ""}</div>
            </div>
          </div>
          {s.logCoverage === "errors-only" && (
            <p className="note" style={{ marginTop: ".8rem" }}>
              The logs were written at level <code>error</code>: only failures are logged, so request counts and error
              rates per target are unknown.
              {s.statsTotals
                ? ` The gateway's stats lines count ${s.statsTotals.requests} requests and ${s.statsTotals.s5xx} 5xx responses in all.`
                : " No stats lines were found either."}{" "}
              Set <code>edgemicro.logging.level: info</code> to see every request.
            </p>
          )}
          <WorkerRestartsNote incidentId={view.id} workers={workers} linkLines={!readOnly} />
        </section>
      )}
      {ready && view.diagnosis && <DiagnosisPanel view={view} onView={setView} readOnly={readOnly} />}
      {ready && (
        <section className="panel" aria-labelledby="timeline-h">
          <h2 id="timeline-h">
            502 timeline{" "}
            <span className="muted">
              ({Math.round(view.timeline.bucketMs / 1000)} s buckets, stacked by error code)
            </span>
          </h2>
          <TimelineChart data={chart} restarts={restarts} />
        </section>
      )}
      {ready && (
        <section className="panel" aria-labelledby="targets-h">
          <h2 id="targets-h">Targets</h2>
          <TargetTable rows={view.targets} />
        </section>
      )}
      {files}
    </>
  );
}
