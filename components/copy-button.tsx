"use client";

import { useState } from "react";

/** A button beside a created link that puts the link on the clipboard and says so. */
export function CopyButton({ text, label = "Copy link" }: { text: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // No clipboard (an insecure origin, or permission refused): the link stays selectable beside the button.
      setState("failed");
    }
  };
  return (
    <>
      <button type="button" className="btn secondary" onClick={() => void copy()} data-testid="copy-link">
        {label}
      </button>
      <span role="status" className="muted" style={{ fontSize: ".85rem" }}>
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy: select the link and copy it" : ""}
      </span>
    </>
  );
}
