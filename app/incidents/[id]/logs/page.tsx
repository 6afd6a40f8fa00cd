import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { canEdit, pageIncidentAccess } from "@/lib/auth/access";
import { lineFacets, queryLines } from "@/lib/explore/query";
import { FILTER_KEYS, LineQuery, queryInput } from "@/lib/explore/schema";
import { BackHeading } from "@/components/back-heading";
import { LogFilters } from "@/components/log-filters";
import { LogLines } from "@/components/log-lines";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LogExplorerPage({ params, searchParams }: Props) {
  const { id } = await params;
  const viewer = await pageIncidentAccess(id);
  const input = queryInput(await searchParams);
  const { db, store } = app();
  const incident = await db.incident.findUnique({
    where: { id },
    select: { id: true, title: true, firstTs: true, lastTs: true },
  });
  if (!incident) notFound();
  const parsed = LineQuery.safeParse(input);
  const base = `/incidents/${id}/logs`;
  const values = Object.fromEntries(FILTER_KEYS.flatMap((k) => (input[k] ? [[k, input[k]]] : [])));
  const href = (cursor: number) => {
    const u = new URLSearchParams(values);
    if (cursor > 0) u.set("cursor", String(cursor));
    const s = u.toString();
    return s ? `${base}?${s}` : base;
  };
  const [page, facets] = await Promise.all([
    parsed.success ? queryLines(db, store, id, parsed.data, { maskClientIds: !canEdit(viewer) }) : null,
    lineFacets(db, store, id),
  ]);
  const totalLines = page?.files.reduce((n, f) => n + (f.lines ?? 0), 0) ?? 0;

  return (
    <>
      <section className="panel">
        <BackHeading id={id} title={incident.title} heading="Log explorer" />
        <LogFilters
          action={base}
          facets={facets}
          files={page?.files ?? []}
          values={values}
          span={{ first: incident.firstTs?.getTime() ?? null, last: incident.lastTs?.getTime() ?? null }}
        />
        {!parsed.success && (
          <p className="note bad" role="alert" style={{ marginTop: ".6rem" }}>
            {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
          </p>
        )}
      </section>
      {page && (
        <section className="panel" aria-labelledby="lines-h">
          <h2 id="lines-h" data-testid="lines-summary">
            {page.text
              ? `${page.lines.length} line(s) containing “${parsed.data!.q}”`
              : `${page.candidates} of ${totalLines} line(s)`}
            {!page.text && page.candidates > 0 && (
              <span className="muted">
                {" "}
                · showing {page.cursor + 1}–{page.cursor + page.lines.length}
              </span>
            )}
          </h2>
          {page.text && (
            <p className="muted" data-testid="scan-progress" aria-live="polite">
              Scanned lines {page.cursor + 1}–{page.text.scannedTo} of {page.candidates} matching the other filters
              {page.nextCursor !== null ? "; more may match further on." : "; the search is complete."}
            </p>
          )}
          {page.unindexed.length > 0 && (
            <p className="note">
              Not searchable (parsed before the explorer existed; upload again to index): {page.unindexed.join(", ")}
            </p>
          )}
          {page.files.length === 0 ? (
            <p className="muted">No parsed gateway logs in this incident yet.</p>
          ) : (
            <LogLines incidentId={id} lines={page.lines} />
          )}
          <nav aria-label="Pages" style={{ marginTop: ".6rem", display: "flex", gap: ".8rem" }}>
            {page.cursor > 0 && (
              <Link href={href(page.prevCursor ?? 0)}>{page.text ? "← back to the start" : "← previous"}</Link>
            )}
            {page.nextCursor !== null && (
              <Link href={href(page.nextCursor)}>{page.text ? "continue scanning →" : "next →"}</Link>
            )}
          </nav>
        </section>
      )}
    </>
  );
}
