"use client";

import { useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { postFiles, UploadProgress, type UploadPhase } from "@/components/upload-progress";

type Phase = UploadPhase | { kind: "done"; shareUrl: string };

/** File picker + progress; on success, the read-only link to the result. */
export function CustomerUpload({ token }: { token: string }) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const send = (files: FileList | null) => {
    const list = Array.from(files ?? []);
    if (list.length === 0) return setPhase({ kind: "error", message: "Choose at least one file." });
    postFiles(
      `/u/${token}/upload`,
      list,
      (f) => f.name,
      setPhase,
      (xhr) => {
        let body: { shareUrl?: string; error?: { message?: string } } = {};
        try {
          body = JSON.parse(xhr.responseText || "{}");
        } catch {
          /* the 404/429 answers are not JSON */
        }
        if (xhr.status === 201 && body.shareUrl) setPhase({ kind: "done", shareUrl: body.shareUrl });
        else if (xhr.status === 404)
          setPhase({
            kind: "error",
            message:
              "This upload link can no longer be used (it has been used, has expired or was revoked). Ask for a new one.",
          });
        else setPhase({ kind: "error", message: body.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
      },
    );
  };
  if (phase.kind === "done")
    return (
      <div className="note" role="status" data-testid="upload-done">
        <p>Thank you, the bundle was received and is being analysed.</p>
        <p>
          Read-only link to the result (keep it; it is shown only once):
          <br />
          <a href={phase.shareUrl} data-testid="result-link">
            {phase.shareUrl}
          </a>{" "}
          <CopyButton text={phase.shareUrl} />
        </p>
      </div>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send((e.currentTarget.elements.namedItem("files") as HTMLInputElement).files);
      }}
      style={{ display: "grid", gap: ".7rem" }}
    >
      <label>
        Bundle files
        <br />
        <input name="files" type="file" multiple required data-testid="customer-file-input" />
      </label>
      <button className="btn" type="submit" disabled={phase.kind === "uploading"}>
        Upload
      </button>
      <UploadProgress phase={phase} />
    </form>
  );
}
