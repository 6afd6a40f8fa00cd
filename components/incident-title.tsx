"use client";

import { useState } from "react";

type Patch = { title?: string; note?: string };

/** The incident title, editable in place (Enter saves, Escape cancels), and the free-text ticket note. */
export function IncidentTitle({
  id,
  title,
  note = "",
  readOnly = false,
  onSaved,
}: {
  id: string;
  title: string;
  note?: string;
  readOnly?: boolean;
  onSaved: (p: { title: string; note: string }) => void;
}) {
  const [editing, setEditing] = useState<"title" | "note" | null>(null);
  const [value, setValue] = useState(title);
  const [noteValue, setNoteValue] = useState(note);
  const [error, setError] = useState<string | null>(null);
  const save = async (patch: Patch) => {
    const res = await fetch(`/api/incidents/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(patch),
    });
    if (!res.ok) return setError((await res.json().catch(() => null))?.error?.message ?? "Could not save.");
    setEditing(null);
    setError(null);
    onSaved({ title: patch.title ?? title, note: patch.note ?? note });
  };
  /** Opens the title or the note for editing, starting from what is saved. */
  const edit = (field: "title" | "note") => {
    if (field === "title") setValue(title);
    else setNoteValue(note);
    setEditing(field);
  };
  const noteView = note ? (
    <p data-testid="incident-note" style={{ whiteSpace: "pre-wrap", margin: ".3rem 0" }}>
      {note}
    </p>
  ) : null;
  if (readOnly)
    return (
      <>
        <div className="title-row">
          <h1>{title}</h1>
        </div>
        {noteView}
      </>
    );
  if (editing === "title")
    return (
      <form
        className="title-row"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ title: value });
        }}
      >
        <input
          aria-label="Incident title"
          value={value}
          autoFocus
          maxLength={200}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === "Escape" && setEditing(null)}
          style={{ fontSize: "1.1rem", flex: 1 }}
        />
        <button className="btn" type="submit">
          Save
        </button>
        {error && (
          <span className="bad" aria-live="polite">
            {error}
          </span>
        )}
      </form>
    );
  return (
    <>
      <div className="title-row">
        <h1>{title}</h1>
        <button className="btn secondary" type="button" onClick={() => edit("title")}>
          Rename
        </button>
        {editing !== "note" && (
          <button className="btn secondary" type="button" onClick={() => edit("note")}>
            {note ? "Edit note" : "Add note"}
          </button>
        )}
      </div>
      {editing === "note" ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save({ note: noteValue });
          }}
          style={{ display: "grid", gap: ".4rem", margin: ".4rem 0" }}
        >
          <label>
            Note for the ticket
            <br />
            <textarea
              value={noteValue}
              autoFocus
              rows={4}
              maxLength={20_000}
              onChange={(e) => setNoteValue(e.target.value)}
              onKeyDown={(e) => e.key === "Escape" && setEditing(null)}
              style={{ width: "100%" }}
            />
          </label>
          <span>
            <button className="btn" type="submit">
              Save note
            </button>{" "}
            <button className="btn secondary" type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </span>
          {error && (
            <span className="bad" aria-live="polite">
              {error}
            </span>
          )}
        </form>
      ) : (
        noteView
      )}
    </>
  );
}
