"use client";

/** Where a file upload is: the upload panel's and the customer upload page's state (the latter adds its own "done"). */
export type UploadPhase =
  { kind: "idle" } | { kind: "uploading"; loaded: number; total: number } | { kind: "error"; message: string };

/**
 * Posts `files` as one multipart form (a field "file" each, named by `nameOf`) with XMLHttpRequest, for its upload
 * progress; `onLoad` reads the server's answer.
 */
export function postFiles(
  url: string,
  files: File[],
  nameOf: (f: File) => string,
  setPhase: (p: UploadPhase) => void,
  onLoad: (xhr: XMLHttpRequest) => void,
): void {
  const form = new FormData();
  for (const f of files) form.append("file", f, nameOf(f));
  const xhr = new XMLHttpRequest();
  xhr.open("POST", url);
  xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", loaded: e.loaded, total: e.total || 1 });
  xhr.onerror = () =>
    setPhase({ kind: "error", message: "The upload did not reach the server. Check the connection and try again." });
  xhr.onload = () => onLoad(xhr);
  setPhase({ kind: "uploading", loaded: 0, total: files.reduce((a, f) => a + f.size, 0) || 1 });
  xhr.send(form);
}

/** The progress bar while uploading, the error after a failed upload (announced to screen readers). */
export function UploadProgress({ phase, style }: { phase: UploadPhase; style?: React.CSSProperties }) {
  return (
    <div aria-live="polite" style={style}>
      {phase.kind === "uploading" && (
        <>
          <progress max={phase.total} value={phase.loaded} aria-label="Upload progress" />
          <span className="muted"> Uploading… {Math.round((phase.loaded / phase.total) * 100)} %</span>
        </>
      )}
      {phase.kind === "error" && (
        <p className="bad" role="alert">
          {phase.message}
        </p>
      )}
    </div>
  );
}
