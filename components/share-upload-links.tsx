"use client";

import { useCallback, useEffect, useState } from "react";
import type { UploadLinkItem } from "@/lib/auth/upload-links";
import { FormStatus, NewLink } from "./form-status";
import { InlineForm } from "./inline-form";
import { OpenModeNote } from "./open-mode-note";
import { RevokeCell } from "./revoke-cell";
import { TableHead } from "./table-head";

const when = (iso: string) => iso.slice(0, 16).replace("T", " ");
/** The list holds unexpired, unrevoked links; a used-up one stays listed, saying so, until it expires. */
const usable = (l: UploadLinkItem) => l.uses < l.maxUses;

/** Upload links for customers without an account: create (ticket label, expiry, uses), list, revoke. */
export function UploadLinksPanel({ openMode }: { openMode: boolean }) {
  const [links, setLinks] = useState<UploadLinkItem[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const res = await fetch("/api/upload-links", { cache: "no-store" }).catch(() => null);
    if (res?.ok) setLinks((await res.json()).links);
    else setError("Could not load the upload links.");
  }, []);
  useEffect(() => void load(), [load]);
  const create = async (form: HTMLFormElement) => {
    const d = new FormData(form);
    setError(null);
    const res = await fetch("/api/upload-links", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        label: d.get("label"),
        expiresInHours: Number(d.get("hours")),
        maxUses: Number(d.get("maxUses")),
      }),
    }).catch(() => null);
    const body = await res?.json().catch(() => null);
    if (res?.status !== 201) return setError(body?.error?.message ?? "Could not create the upload link.");
    setCreated(body.url);
    form.reset();
    await load();
  };
  const revoke = async (l: UploadLinkItem) => {
    if (!window.confirm(`Revoke the upload link "${l.label}"?`)) return;
    await fetch(`/api/upload-links/${l.id}`, { method: "DELETE" }).catch(() => null);
    await load();
  };
  return (
    <details className="panel" data-testid="upload-links">
      <summary>
        <h2 style={{ display: "inline" }}>Customer upload links</h2>{" "}
        <span className="muted">{links ? `(${links.filter(usable).length} usable)` : ""}</span>
      </summary>
      <p className="muted">
        A customer opens the link, uploads a bundle into a new incident without an account, and gets a read-only link to
        the result.
      </p>
      {openMode && <OpenModeNote what="an upload link and the result link it gives" />}
      <InlineForm onSubmit={create}>
        <label>
          Ticket
          <br />
          <input name="label" required maxLength={200} placeholder="ticket 12345" />
        </label>
        <label>
          Expires after
          <br />
          <select name="hours" defaultValue="72">
            <option value="24">1 day</option>
            <option value="72">3 days</option>
            <option value="168">7 days</option>
            <option value="720">30 days</option>
          </select>
        </label>
        <label>
          Uses
          <br />
          <input name="maxUses" type="number" min={1} max={100} defaultValue={3} style={{ width: "4rem" }} />
        </label>
        <button className="btn" type="submit">
          Create upload link
        </button>
      </InlineForm>
      <FormStatus error={error}>
        <NewLink url={created} lead="New upload link (shown only now):" label="New upload link" testId="upload-url" />
      </FormStatus>
      {links && links.length > 0 && (
        <table data-testid="upload-link-list">
          <TableHead cols={["Ticket", "Expires", "Used", "State", "Incidents", ""]} num={["Used", "Incidents"]} />
          <tbody>
            {links.map((l) => (
              <tr key={l.id}>
                <td>{l.label}</td>
                <td className="muted">{when(l.expiresAt)}</td>
                <td className="num">
                  {l.uses} / {l.maxUses}
                </td>
                <td data-testid="upload-link-state">
                  {usable(l) ? (
                    `usable, ${l.maxUses - l.uses} upload${l.maxUses - l.uses === 1 ? "" : "s"} left`
                  ) : (
                    <span className="warn">used up: this link has been used</span>
                  )}
                </td>
                <td className="num">{l.incidents}</td>
                <RevokeCell onRevoke={() => revoke(l)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
