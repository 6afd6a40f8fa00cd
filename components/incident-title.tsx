"use client";

import { useState } from "react";

/** The incident title, editable in place (Enter saves, Escape cancels). */
export function IncidentTitle({ id, title, onSaved }: { id: string; title: string; onSaved: (t: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const res = await fetch(`/api/incidents/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: value }) });
    if (!res.ok) return setError((await res.json()).error?.message ?? "Could not save the title.");
    setEditing(false);
    setError(null);
    onSaved(value);
  };
  if (!editing)
    return (
      <div className="title-row">
        <h1>{title}</h1>
        <button className="btn secondary" type="button" onClick={() => { setValue(title); setEditing(true); }}>Rename</button>
      </div>
    );
  return (
    <form className="title-row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <input aria-label="Incident title" value={value} autoFocus maxLength={200} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === "Escape" && setEditing(false)} style={{ fontSize: "1.1rem", flex: 1 }} />
      <button className="btn" type="submit">Save</button>
      {error && <span className="bad" aria-live="polite">{error}</span>}
    </form>
  );
}
