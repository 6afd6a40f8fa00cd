import type { ReactNode } from "react";
import { CopyButton } from "./copy-button";

/** What a form's last submit gave (`children`) and its error, announced to screen readers as they change. */
export function FormStatus({ error, children }: { error: string | null; children?: ReactNode }) {
  return (
    <div aria-live="polite">
      {children}
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A link just created, shown once (nothing while `url` is null): selected on focus, with a button that copies it. */
export function NewLink({
  url,
  lead,
  label,
  testId,
}: {
  url: string | null;
  lead: string;
  label: string;
  testId: string;
}) {
  if (url === null) return null;
  return (
    <p className="note copy-row" style={{ marginTop: ".8rem" }}>
      {lead}{" "}
      <input
        readOnly
        value={url}
        aria-label={label}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
        style={{ width: "min(40rem, 100%)" }}
      />
      <CopyButton text={url} />
    </p>
  );
}
