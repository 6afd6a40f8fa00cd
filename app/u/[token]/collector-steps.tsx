"use client";

import { useState } from "react";
import type { GatherStep } from "@/lib/collector/steps";

/**
 * The collector way (one command with this link in it, copy button) and the manual alternative. Texts come
 * from lib/collector/steps.ts, the same source as the collector's own help.
 */
export function CollectorSteps({
  command,
  collectorHref,
  steps,
}: {
  command: string;
  collectorHref: string;
  steps: GatherStep[];
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(command);
    setCopied(true);
  };
  return (
    <div data-testid="collector-steps">
      <h2 style={{ fontSize: "1.1rem" }}>Easiest: run the collector on the gateway host</h2>
      <p>
        It finds the logs and the config, captures the gateway↔target traffic until a few 502s happen (reproduce the
        problem meanwhile), removes secrets on the host, and uploads the bundle through this link. Needs Node.js (there
        with the gateway) and root for tcpdump.
      </p>
      <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        <code data-testid="collector-command">{command}</code>
      </pre>
      <button type="button" className="btn" onClick={copy}>
        {copied ? "Copied" : "Copy command"}
      </button>{" "}
      <a href={collectorHref}>Download the collector</a>
      <h3 style={{ fontSize: "1rem" }}>What it gathers</h3>
      <ul>
        {steps.map((s) => (
          <li key={s.id}>{s.what}</li>
        ))}
      </ul>
      <details>
        <summary>Or gather by hand</summary>
        <ol>
          {steps.map((s) => (
            <li key={s.id}>
              <code style={{ whiteSpace: "pre-wrap" }}>{s.manual}</code>
            </li>
          ))}
        </ol>
        <p>Then upload the files (or one .tar.gz / .zip of them) with the form below.</p>
      </details>
    </div>
  );
}
