"use client";

import type { IncidentView } from "@/lib/api/incident-schema";
import { inputProblems } from "@/lib/analysis/input-problems";

/** Files the diagnosis could not fully use, named at the top of the page with the reason. */
export function InputBanner({ files }: { files: IncidentView["files"] }) {
  const problems = inputProblems(files);
  if (problems.length === 0) return null;
  return (
    <section className="banner" role="alert" aria-labelledby="input-banner-h" data-testid="input-banner">
      <h2 id="input-banner-h">
        {problems.length === 1 ? "One file was not fully used" : `${problems.length} problems with the uploaded files`}
      </h2>
      <ul>
        {problems.map((p, i) => (
          <li key={i} data-testid="input-problem" data-file={p.name} data-status={p.status}>
            <code>{p.name}</code> <span className="muted">({p.status === "done" ? "read in part" : p.status})</span>:{" "}
            {p.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
