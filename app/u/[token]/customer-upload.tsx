"use client";

import { useState } from "react";
import { CopyButton } from "@/components/copy-button";

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "done"; shareUrl: string }
  | { kind: "error"; message: string };

/** File picker + progress; on success, the read-only link to the result. */
export function CustomerUpload({ token }: { token: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const send = (files: FileList | null) => {
    const list = Array.from(files ?? []);
    if (list.length === 0) return setPhase({ kind: "error", message: "Choose at least one file." });
    const form = new FormData();
    for (const f of list) form.append("file", f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/u/${token}/upload`);
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", loaded: e.loaded, total: e.total || 1 });
    xhr.onerror = () => setPhase({ kind: "error", message: "The upload did not reach the server. Check the connection and try again." });
    xhr.onload = () => {
      let body: { shareUrl?: string; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText || "{}");
      } catch {
        /* the 404/429 answers are not JSON */
      }
      if (xhr.status === 201 && body.shareUrl) setPhase({ kind: "done", shareUrl: body.shareUrl });
      else if (xhr.status === 404) setPhase({ kind: "error", message: "This upload link can no longer be used (it has been used, has expired or was revoked). Ask for a new one." });
      else setPhase({ kind: "error", message: body.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
    };
    setPhase({ kind: "uploading", loaded: 0, total: list.reduce((a, f) => a + f.size, 0) || 1 });
    xhr.send(form);
  };
  if (phase.kind === "done")
    return (
      <div className="note" role="status" data-testid="upload-done">
        <p>Thank you, the bundle was received and is being analysed.</p>
        <p>Read-only link to the result (keep it; it is shown only once):<br />
          <a href={phase.shareUrl} data-testid="result-link">{phase.shareUrl}</a> <CopyButton text={phase.shareUrl} /></p>
      </div>
    );
  return (
    <form onSubmit={(e) => { e.preventDefault(); send((e.currentTarget.elements.namedItem("files") as HTMLInputElement).files); }} style={{ display: "grid", gap: ".7rem" }}>
      <label>Bundle files<br /><input name="files" type="file" multiple required data-testid="customer-file-input" /></label>
      <button className="btn" type="submit" disabled={phase.kind === "uploading"}>Upload</button>
      <div aria-live="polite">
        {phase.kind === "uploading" && (
          <>
            <progress max={phase.total} value={phase.loaded} aria-label="Upload progress" />
            <span className="muted"> Uploading… {Math.round((phase.loaded / phase.total) * 100)} %</span>
          </>
        )}
        {phase.kind === "error" && <p className="bad" role="alert">{phase.message}</p>}
      </div>
    </form>
  );
}
