"use client";

import { useState } from "react";
import { FormStatus } from "./form-status";
import { InlineForm } from "./inline-form";
import { postJson, type ApiAnswer } from "./post-json";
import { TableHead } from "./table-head";

type User = { id: string; email: string; role: string; createdAt: string };

/** Engineers of a team deployment: add (email, temporary password, role), remove. */
export function AdminUsers({ initial, selfId }: { initial: User[]; selfId: string | null }) {
  const [users, setUsers] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const reload = async () => {
    const res = await fetch("/api/admin/users", { cache: "no-store" });
    if (res.ok) setUsers((await res.json()).users);
  };
  const add = async (form: HTMLFormElement) => {
    const d = new FormData(form);
    setError(null);
    setMessage(null);
    const { res, body } = await postJson<ApiAnswer & { user?: User }>("/api/admin/users", {
      email: d.get("email"),
      password: d.get("password"),
      role: d.get("role"),
    });
    if (res?.status !== 201 || !body?.user) return setError(body?.error?.message ?? "Could not add the account.");
    form.reset();
    setMessage(
      `Added ${body.user.email} (${body.user.role}). Give them the temporary password over a separate channel.`,
    );
    if (users.length === 0) {
      // The first account switches the deployment to team mode: sign in with it.
      window.location.assign("/signin?next=/admin");
      return;
    }
    await reload();
  };
  const remove = async (u: User) => {
    if (!window.confirm(`Remove ${u.email}? They are signed out at once.`)) return;
    setError(null);
    const res = await fetch(`/api/admin/users/${u.id}`, { method: "DELETE" }).catch(() => null);
    if (!res?.ok) setError((await res?.json().catch(() => null))?.error?.message ?? "Could not remove the account.");
    await reload();
  };
  return (
    <>
      {users.length === 0 ? (
        <p className="muted">No accounts yet.</p>
      ) : (
        <table data-testid="users">
          <TableHead cols={["Email", "Role", "Added", ""]} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td className="muted">{u.createdAt.slice(0, 10)}</td>
                <td>
                  {u.id !== selfId && (
                    <button className="btn secondary" type="button" onClick={() => void remove(u)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add an account</h2>
      <InlineForm onSubmit={add}>
        <label>
          Email
          <br />
          <input name="email" type="email" required />
        </label>
        <label>
          Temporary password
          <br />
          <input name="password" type="text" minLength={10} required autoComplete="new-password" />
        </label>
        <label>
          Role
          <br />
          <select name="role" defaultValue={users.length === 0 ? "admin" : "engineer"}>
            <option value="engineer">engineer</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button className="btn" type="submit">
          Add
        </button>
      </InlineForm>
      <FormStatus error={error}>{message && <p className="good">{message}</p>}</FormStatus>
    </>
  );
}
