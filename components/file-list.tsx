"use client";

import { useRef } from "react";
import type { IncidentView } from "@/lib/api/incident-schema";
import { fmtBytes } from "@/lib/format";
import { isArchiveKind, isCaptureKind } from "@/lib/ingest/file-kinds";
import { etaSeconds, fmtEta, percentDone, type ProgressSample } from "@/lib/analysis/progress";
import { TableHead } from "./table-head";

type File = IncidentView["files"][number];

function countsLine(f: File): string {
  const c = f.counts;
  if (f.kind === "gateway-log" && f.status === "done")
    return `${c.lines ?? 0} lines · ${c.transactions ?? 0} transactions · ${c.malformed ?? 0} malformed`;
  if (isCaptureKind(f.kind) && f.status === "done")
    return `${c.frames ?? 0} frames · ${c.tcpPackets ?? 0} TCP packets${c.frameCopies ? ` · ${c.frameCopies} copies left out (frames captured twice: on two interfaces, or both sides of a NAT)` : ""}`;
  if (f.kind === "gateway-config" && f.status === "done") {
    const ka = c.config?.edgemicro?.keep_alive_timeout;
    const redacted = (c.redactions ?? []).reduce((a, r) => a + r.count, 0);
    return `keep_alive_timeout ${ka ?? "unset (5000)"} ms · ${c.config?.proxies?.length ?? 0} proxies · ${redacted} secrets redacted`;
  }
  if (isArchiveKind(f.kind) && f.status === "done") return `${c.entries ?? 0} entries`;
  const r = c.collectorReport;
  if (r && f.status === "done") {
    const t = r.tcpdump;
    const capture = r.captureStopped
      ? ` · capture stopped: ${r.captureStopped}${t ? ` · ${t.captured ?? "?"} packets captured, ${t.droppedByKernel ?? "?"} dropped` : ""}`
      : " · no capture";
    return `emg-collect on ${r.host}, ${r.at.slice(0, 19).replace("T", " ")} UTC${capture}`;
  }
  return "";
}

/** Percent bar and time left of a file being parsed; the rate is measured from when this page first saw it parsing. */
export function ParseProgress({ f, first }: { f: File; first: ProgressSample | undefined }) {
  const pct = percentDone(f.bytesDone, f.size);
  const eta = fmtEta(etaSeconds(first, { t: Date.now(), bytes: f.bytesDone }, f.size));
  return (
    <div className="parse-progress" data-testid="parse-progress">
      <div
        className="bar"
        role="progressbar"
        aria-label={`Parsing ${f.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct} %, ${eta}`}
      >
        <div style={{ width: `${pct}%` }} />
      </div>
      <span className="muted">
        {pct} % · {eta}
      </span>
    </div>
  );
}

/** First sample of each parse this component saw: the ETA is bytes per second since then. */
export function useFirstSeen(files: File[]): Map<string, ProgressSample> {
  const firstSeen = useRef(new Map<string, ProgressSample>());
  for (const f of files) {
    if (f.status === "parsing" && !firstSeen.current.has(f.id))
      firstSeen.current.set(f.id, { t: Date.now(), bytes: f.bytesDone });
  }
  return firstSeen.current;
}

export function FileList({ files, downloadHref }: { files: File[]; downloadHref?: (f: File) => string | undefined }) {
  const firstSeen = useFirstSeen(files);
  return (
    <table data-testid="file-list">
      <TableHead cols={["File", "Kind", "Size", "Status", "Result"]} num={["Size"]} />
      <tbody>
        {files.map((f) => (
          <tr key={f.id}>
            <td>
              {downloadHref?.(f) && f.status !== "queued" ? (
                <a href={downloadHref(f)} download title="Download the stored file (logs and configs are redacted)">
                  <code>{f.name}</code>
                </a>
              ) : (
                <code>{f.name}</code>
              )}
            </td>
            <td>{f.kind}</td>
            <td className="num">{fmtBytes(f.size)}</td>
            <td>
              <span className={`status ${f.status}`}>{f.status}</span>
              {f.status === "parsing" && f.size > 0 && <ParseProgress f={f} first={firstSeen.get(f.id)} />}
            </td>
            <td>
              {f.error ? <span className={f.status === "failed" ? "bad" : "muted"}>{f.error}</span> : countsLine(f)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
