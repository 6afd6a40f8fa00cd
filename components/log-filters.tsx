import Link from "next/link";
import type { LineFacets, LinePage } from "@/lib/explore/schema";

type Values = Partial<Record<string, string>>;

function Select({
  name,
  label,
  options,
  value,
}: {
  name: string;
  label: string;
  options: Array<string | [string, string]>;
  value?: string;
}) {
  return (
    <div>
      <label htmlFor={`f-${name}`}>{label}</label>
      <br />
      <select id={`f-${name}`} name={name} defaultValue={value ?? ""}>
        <option value="">all</option>
        {options.map((o) =>
          typeof o === "string" ? (
            <option key={o} value={o}>
              {o}
            </option>
          ) : (
            <option key={o[0]} value={o[0]}>
              {o[1]}
            </option>
          ),
        )}
      </select>
    </div>
  );
}

/** The explorer's filters: a plain GET form, so every filtered view is a link. */
export function LogFilters({
  action,
  facets,
  files,
  values,
  span,
}: {
  action: string;
  facets: LineFacets;
  files: LinePage["files"];
  values: Values;
  span?: { first: number | null; last: number | null };
}) {
  const iso = (ms: number | null | undefined, fallback: string) => (ms ? new Date(ms).toISOString() : fallback);
  const text = (name: string, label: string, placeholder: string, size = 16) => (
    <div>
      <label htmlFor={`f-${name}`}>{label}</label>
      <br />
      <input id={`f-${name}`} name={name} defaultValue={values[name] ?? ""} placeholder={placeholder} size={size} />
    </div>
  );
  return (
    <form
      method="get"
      action={action}
      aria-label="Filter log lines"
      data-testid="log-filters"
      style={{ display: "flex", gap: ".7rem", flexWrap: "wrap", alignItems: "end" }}
    >
      <Select name="level" label="Level" options={facets.levels} value={values.level} />
      <Select name="kind" label="Line kind" options={facets.kinds} value={values.kind} />
      <div>
        <label htmlFor="f-status">Status</label>
        <br />
        <input
          id="f-status"
          name="status"
          defaultValue={values.status ?? ""}
          placeholder="502 or 5xx"
          size={8}
          list="status-options"
        />
      </div>
      <datalist id="status-options">
        {facets.statuses.map((s) => (
          <option key={s} value={String(s)} />
        ))}
      </datalist>
      <Select name="errCode" label="Error code" options={facets.errCodes} value={values.errCode} />
      <Select name="target" label="Target" options={facets.targets} value={values.target} />
      <Select name="proxy" label="Proxy" options={facets.proxies} value={values.proxy} />
      <Select name="component" label="Component" options={facets.components} value={values.component} />
      <Select name="pid" label="Process" options={facets.pids} value={values.pid} />
      {files.length > 1 && (
        <Select name="file" label="File" options={files.map((f) => [f.id, f.name])} value={values.file} />
      )}
      {text("correlationId", "Correlation id", "uuid", 20)}
      {text("from", "From (UTC)", iso(span?.first, "2026-11-23T19:34:00Z"), 22)}
      {text("to", "To (UTC)", iso(span?.last, "2026-11-23T19:35:00Z"), 22)}
      {text("q", "Text", "socket hang up", 18)}
      <button className="btn" type="submit">
        Filter
      </button>
      <Link href={action}>clear</Link>
    </form>
  );
}
