import type { ReactNode } from "react";

/** A row of labelled fields whose submit runs `onSubmit` in the page instead of posting the form. */
export function InlineForm({
  onSubmit,
  children,
}: {
  onSubmit: (form: HTMLFormElement) => unknown;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(e.currentTarget);
      }}
      style={{ display: "flex", gap: ".8rem", flexWrap: "wrap", alignItems: "end" }}
    >
      {children}
    </form>
  );
}
