"use client";

import { useRef, useState } from "react";
import { useRouter } from "next/navigation";

type Phase = { kind: "idle" } | { kind: "uploading"; loaded: number; total: number } | { kind: "error"; message: string };

/** Drag and drop (or pick) files or one archive; a real upload progress bar, then the incident page. */
export function UploadPanel() {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });

  const upload = (files: FileList | File[]) => {
    const list = Array.from(files);
    if (list.length === 0) return;
    const form = new FormData();
    for (const f of list) form.append("file", f, f.webkitRelativePath || f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/incidents");
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", loaded: e.loaded, total: e.total || 1 });
    xhr.onerror = () => setPhase({ kind: "error", message: "The upload did not reach the server. Check the connection and try again." });
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}");
      if (xhr.status === 201) router.push(new URL(body.url).pathname);
      else setPhase({ kind: "error", message: body?.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
    };
    setPhase({ kind: "uploading", loaded: 0, total: list.reduce((a, f) => a + f.size, 0) || 1 });
    xhr.send(form);
  };

  const busy = phase.kind === "uploading";
  return (
    <section className="panel" aria-labelledby="upload-h">
      <h2 id="upload-h">New incident from a diagnostic bundle</h2>
      <div
        className={`drop ${over ? "over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (!busy) upload(e.dataTransfer.files);
        }}
      >
        <p>Drop gateway logs, config YAML, pcap/pcapng captures — or one .zip / .tar.gz — here.</p>
        <input ref={input} type="file" multiple hidden aria-label="Bundle files" data-testid="file-input" onChange={(e) => e.target.files && upload(e.target.files)} />
        <button className="btn" type="button" disabled={busy} onClick={() => input.current?.click()}>
          Choose files…
        </button>
      </div>
      <div aria-live="polite" style={{ marginTop: ".8rem" }}>
        {phase.kind === "uploading" && (
          <>
            <progress max={phase.total} value={phase.loaded} aria-label="Upload progress" />
            <span className="muted">Uploading… {Math.round((phase.loaded / phase.total) * 100)} %</span>
          </>
        )}
        {phase.kind === "error" && <p className="bad" role="alert">{phase.message}</p>}
      </div>
    </section>
  );
}
