"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";

/** Delete with confirmation: the incident's rows and the stored files only it used are removed. */
export function DeleteIncidentButton({ id, title }: { id: string; title: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    if (!window.confirm(`Delete "${title}"? Its analysis, share links and uploaded files are removed for good.`))
      return;
    setBusy(true);
    const res = await fetch(`/api/incidents/${id}`, { method: "DELETE" }).catch(() => null);
    setBusy(false);
    if (!res?.ok) return setError((await res?.json().catch(() => null))?.error?.message ?? "Could not delete.");
    router.refresh();
  };
  return (
    <>
      <button
        className="btn secondary"
        type="button"
        disabled={busy}
        onClick={() => void remove()}
        aria-label={`Delete ${title}`}
      >
        {busy ? "Deleting…" : "Delete"}
      </button>
      {error && (
        <span className="bad" role="alert">
          {" "}
          {error}
        </span>
      )}
    </>
  );
}
