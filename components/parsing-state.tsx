"use client";

import type { IncidentView } from "@/lib/api/incident-schema";
import { fmtBytes } from "@/lib/format";
import { isPending } from "@/lib/ingest/file-kinds";
import { ParseProgress, useFirstSeen } from "./file-list";

type File = IncidentView["files"][number];

/** While files are queued or parsing: how far along they are, and nothing that would read as a verdict. */
export function ParsingState({ files }: { files: File[] }) {
  const firstSeen = useFirstSeen(files);
  const pending = files.filter((f) => isPending(f.status));
  const size = pending.reduce((a, f) => a + f.size, 0);
  const done = pending.reduce((a, f) => a + Math.min(f.bytesDone, f.size), 0);
  return (
    <section className="panel" aria-labelledby="parsing-h" data-testid="parsing-state" aria-live="polite">
      <h2 id="parsing-h">
        Reading the bundle…{" "}
        <span className="muted">
          {fmtBytes(done)} of {fmtBytes(size)}
        </span>
      </h2>
      <p className="muted">
        The verdict appears when every file is read: a diagnosis over part of the data could name the wrong cause.
      </p>
      <ul className="parsing-files">
        {pending.map((f) => (
          <li key={f.id}>
            <code>{f.name}</code>{" "}
            <span className={`status ${f.status}`}>{f.status === "queued" ? "waiting" : "parsing"}</span>
            {f.status === "parsing" && f.size > 0 && <ParseProgress f={f} first={firstSeen.get(f.id)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
