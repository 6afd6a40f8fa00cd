import Link from "next/link";
import type { IncidentSearch } from "@/lib/incidents/search";
import { INCIDENT_CAUSES } from "@/lib/api/diagnosis-schema";
import { CAUSE_LABEL } from "@/lib/analysis/diagnosis/labels";
import { FilterSelect } from "./filter-select";

const VERDICTS: Array<[string, string]> = INCIDENT_CAUSES.map((c) => [c, CAUSE_LABEL[c]]);
export const verdictLabel = (v: string | null) => (v ? (VERDICTS.find(([k]) => k === v)?.[1] ?? v) : "—");

/** The incident list's filters: a plain GET form, so results are linkable and work without JavaScript. */
export function IncidentSearchForm({ search, error }: { search: IncidentSearch; error: string | null }) {
  const active = Object.values(search).some(Boolean);
  return (
    <form
      method="get"
      action="/"
      role="search"
      aria-label="Search incidents"
      style={{ display: "flex", gap: ".8rem", flexWrap: "wrap", alignItems: "end", marginBottom: ".8rem" }}
    >
      <label>
        Title
        <br />
        <input name="q" defaultValue={search.q ?? ""} placeholder="ticket, customer…" />
      </label>
      <label>
        Org
        <br />
        <input name="org" defaultValue={search.org ?? ""} size={10} />
      </label>
      <label>
        Env
        <br />
        <input name="env" defaultValue={search.env ?? ""} size={8} />
      </label>
      <label>
        Target
        <br />
        <input name="target" defaultValue={search.target ?? ""} placeholder="host:port" size={16} />
      </label>
      <FilterSelect label="Verdict" name="verdict" value={search.verdict} options={VERDICTS} none="any" />
      <label>
        From
        <br />
        <input type="date" name="from" defaultValue={search.from ?? ""} />
      </label>
      <label>
        To
        <br />
        <input type="date" name="to" defaultValue={search.to ?? ""} />
      </label>
      <button className="btn" type="submit">
        Search
      </button>
      {active && <Link href="/">Clear</Link>}
      {error && (
        <p className="bad" role="alert" style={{ flexBasis: "100%" }}>
          Ignored an invalid filter: {error}
        </p>
      )}
    </form>
  );
}
