"use client";

import { useCallback, useEffect, useState } from "react";
import type { ShareLinkItem } from "@/lib/auth/share-links";
import { FormStatus, NewLink } from "./form-status";
import { InlineForm } from "./inline-form";
import { OpenModeNote } from "./open-mode-note";
import { RevokeCell } from "./revoke-cell";
import { TableHead } from "./table-head";

const EXPIRY: Array<[string, number | null]> = [
  ["1 day", 24],
  ["7 days", 168],
  ["30 days", 720],
  ["never", null],
];
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "—");

/** Create, list (views, last view) and revoke the read-only links of one incident. */
export function SharePanelClient({ incidentId, openMode }: { incidentId: string; openMode: boolean }) {
  const base = `/api/incidents/${incidentId}/share-links`;
  const [links, setLinks] = useState<ShareLinkItem[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const res = await fetch(base, { cache: "no-store" }).catch(() => null);
    if (res?.ok) setLinks((await res.json()).links);
    else setError("Could not load the share links.");
  }, [base]);
  useEffect(() => void load(), [load]);

  const create = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const hours = String(data.get("expiry"));
    setBusy(true);
    setError(null);
    const res = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        label: data.get("label"),
        expiresInHours: hours === "never" ? null : Number(hours),
        allowDownload: data.get("allowDownload") === "on",
      }),
    }).catch(() => null);
    const body = await res?.json().catch(() => null);
    setBusy(false);
    if (res?.status !== 201) return setError(body?.error?.message ?? "Could not create the link.");
    setCreated(body.url);
    form.reset();
    await load();
  };
  const revoke = async (l: ShareLinkItem) => {
    if (!window.confirm(`Revoke the link "${l.label || "unnamed"}"? Anyone holding it loses access at once.`)) return;
    const res = await fetch(`${base}/${l.id}`, { method: "DELETE" }).catch(() => null);
    if (!res?.ok) setError("Could not revoke the link.");
    await load();
  };

  return (
    <section className="panel" aria-labelledby="share-h" data-testid="share-panel">
      <h2 id="share-h">Share</h2>
      {openMode ? (
        <OpenModeNote what="a share link" />
      ) : (
        <p className="muted">
          A share link shows this incident read-only (analysis, timeline, targets, connections, guided flow) to anyone
          holding it, without an account.
        </p>
      )}
      <InlineForm onSubmit={create}>
        <label>
          Label
          <br />
          <input name="label" placeholder="ticket 12345" maxLength={200} />
        </label>
        <label>
          Expires after
          <br />
          <select name="expiry" defaultValue="168">
            {EXPIRY.map(([label, h]) => (
              <option key={label} value={h === null ? "never" : String(h)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" name="allowDownload" /> allow raw file download
        </label>
        <button className="btn" type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create share link"}
        </button>
      </InlineForm>
      <FormStatus error={error}>
        <NewLink url={created} lead="New link (shown only now, copy it):" label="New share link" testId="share-url" />
      </FormStatus>
      {links === null ? (
        <p className="muted">Loading links…</p>
      ) : links.length === 0 ? (
        <p className="muted">No active share links.</p>
      ) : (
        <table data-testid="share-links">
          <TableHead cols={["Label", "Created", "Expires", "Views", "Last view", "Download", ""]} num={["Views"]} />
          <tbody>
            {links.map((l) => (
              <tr key={l.id}>
                <td>{l.label || <span className="muted">unnamed</span>}</td>
                <td className="muted">{when(l.createdAt)}</td>
                <td className="muted">{l.expiresAt ? when(l.expiresAt) : "never"}</td>
                <td className="num" data-testid="view-count">
                  {l.viewCount}
                </td>
                <td className="muted">{when(l.lastViewedAt)}</td>
                <td>{l.allowDownload ? "yes" : "no"}</td>
                <RevokeCell onRevoke={() => revoke(l)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
