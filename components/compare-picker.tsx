import type { ComponentProps } from "react";
import type { CompareCandidate } from "@/lib/export/compare-candidates";

const label = (i: CompareCandidate) => `${i.title} · uploaded ${i.createdAt.slice(0, 16).replace("T", " ")}`;

/** A required choice among the incidents, starting on a disabled "choose an incident". */
function IncidentSelect({ incidents, ...select }: { incidents: CompareCandidate[] } & ComponentProps<"select">) {
  return (
    <select required defaultValue="" {...select}>
      <option value="" disabled>
        choose an incident
      </option>
      {incidents.map((i) => (
        <option key={i.id} value={i.id}>
          {label(i)}
        </option>
      ))}
    </select>
  );
}

/** "Compare with…": a plain GET form to /compare, so it works without JavaScript and with the keyboard. */
export function ComparePicker({ current, others }: { current: string; others: CompareCandidate[] }) {
  if (others.length === 0) return null;
  return (
    <form
      action="/compare"
      method="get"
      data-testid="compare-picker"
      style={{ display: "inline-flex", gap: ".4rem", alignItems: "center" }}
    >
      <input type="hidden" name="a" value={current} />
      <label htmlFor="compare-b" className="muted" style={{ fontSize: ".9rem" }}>
        Compare with…
      </label>
      <IncidentSelect
        incidents={others}
        id="compare-b"
        name="b"
        data-testid="compare-select"
        style={{ maxWidth: "22rem", padding: ".3rem" }}
      />
      <button className="btn secondary" type="submit">
        Compare
      </button>
    </form>
  );
}

/** Both sides chosen on the compare page itself. */
export function CompareChooser({ incidents, a, b }: { incidents: CompareCandidate[]; a?: string; b?: string }) {
  return (
    <form
      action="/compare"
      method="get"
      data-testid="compare-chooser"
      style={{ display: "flex", gap: ".6rem", alignItems: "end", flexWrap: "wrap" }}
    >
      {(["a", "b"] as const).map((k) => (
        <label key={k} style={{ display: "grid", gap: ".2rem", fontSize: ".9rem" }}>
          {k === "a" ? "Before" : "After"}
          <IncidentSelect
            incidents={incidents}
            name={k}
            defaultValue={(k === "a" ? a : b) ?? ""}
            style={{ maxWidth: "24rem", padding: ".3rem" }}
          />
        </label>
      ))}
      <button className="btn" type="submit">
        Compare
      </button>
    </form>
  );
}
