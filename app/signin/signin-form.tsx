"use client";

import { useState } from "react";
import { postJson } from "@/components/post-json";

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    const { res, body } = await postJson("/api/auth/signin", {
      email: data.get("email"),
      password: data.get("password"),
    });
    if (res?.ok) {
      // A full navigation so the server renders the header and pages for the new session.
      window.location.assign(next);
      return;
    }
    setError(body?.error?.message ?? "Could not reach the server.");
    setBusy(false);
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget);
      }}
      style={{ display: "grid", gap: ".7rem" }}
    >
      <label>
        Email
        <br />
        <input name="email" type="email" autoComplete="username" required autoFocus style={{ width: "100%" }} />
      </label>
      <label>
        Password
        <br />
        <input name="password" type="password" autoComplete="current-password" required style={{ width: "100%" }} />
      </label>
      <button className="btn" type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <div aria-live="polite">
        {error && (
          <p className="bad" role="alert">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
