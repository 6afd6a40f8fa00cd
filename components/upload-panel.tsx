"use client";

import { useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { postFiles, UploadProgress, type UploadPhase } from "./upload-progress";

/** Drag and drop (or pick) files or one archive; a real upload progress bar, then the incident page. */
export function UploadPanel() {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [phase, setPhase] = useState<UploadPhase>({ kind: "idle" });

  const upload = (files: FileList | File[]) => {
    const list = Array.from(files);
    if (list.length === 0) return;
    postFiles(
      "/api/incidents",
      list,
      (f) => f.webkitRelativePath || f.name,
      setPhase,
      (xhr) => {
        const body = JSON.parse(xhr.responseText || "{}");
        if (xhr.status === 201) router.push(new URL(body.url).pathname);
        else setPhase({ kind: "error", message: body?.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
      },
    );
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
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Bundle files"
          data-testid="file-input"
          onChange={(e) => e.target.files && upload(e.target.files)}
        />
        <button className="btn" type="button" disabled={busy} onClick={() => input.current?.click()}>
          Choose files…
        </button>
      </div>
      <UploadProgress phase={phase} style={{ marginTop: ".8rem" }} />
    </section>
  );
}
