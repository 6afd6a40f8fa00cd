import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { connectionFacets, listConnections } from "@/lib/incidents/connections";
import { BadCursor } from "@/lib/incidents/connection-cursor";
import { ConnectionClass, ConnectionQuery } from "@/lib/api/connection-schema";
import { fmtMs, fmtTs } from "@/lib/format";
import { pageIncidentAccess } from "@/lib/auth/access";
import { answerLabel, CLASS_LABEL, requestLabel } from "@/components/connection-labels";
import { BackHeading } from "@/components/back-heading";
import { FilterSelect } from "@/components/filter-select";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ConnectionsPage({ params, searchParams }: Props) {
  const { id } = await params;
  await pageIncidentAccess(id);
  const sp = await searchParams;
  const raw = Object.fromEntries(
    Object.entries(sp).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])),
  );
  const parsed = ConnectionQuery.safeParse(raw);
  const q0 = parsed.success ? parsed.data : ConnectionQuery.parse({});
  const { db, store } = app();
  const incident = await db.incident.findUnique({ where: { id }, select: { id: true, title: true } });
  if (!incident) notFound();
  // A link whose cursor does not decode (edited by hand, or of an older version) opens the first page, and says so.
  let badCursor = !parsed.success && parsed.error.issues.some((i) => i.path[0] === "cursor");
  let q = q0;
  const list = await listConnections(db, store, id, q).catch((e: unknown) => {
    if (!(e instanceof BadCursor)) throw e;
    badCursor = true;
    q = { ...q0, cursor: undefined };
    return listConnections(db, store, id, q);
  });
  const facets = await connectionFacets(db, id);
  const base = `/incidents/${id}/connections`;
  const href = (over: Record<string, string | number | undefined>) => {
    const u = new URLSearchParams();
    const merged: Record<string, string | number | undefined> = {
      class: q.class,
      target: q.target,
      state: q.state,
      sort: q.sort,
      pageSize: q.pageSize,
      ...over,
    };
    for (const [k, v] of Object.entries(merged))
      if (v !== undefined && v !== "" && !(k === "sort" && v === "time") && !(k === "pageSize" && v === 50))
        u.set(k, String(v));
    const s = u.toString();
    return s ? `${base}?${s}` : base;
  };
  // A page left empty (its cursor's rows are gone, or the filters changed under it) still leads back.
  const stranded = list.connections.length === 0 && list.total > 0;
  const toFirst = list.prevCursor !== null || stranded;
  const toLast = list.nextCursor !== null || stranded;

  return (
    <>
      <section className="panel">
        <BackHeading id={id} title={incident.title} heading="TCP connections" />
        <form
          method="get"
          action={base}
          style={{ display: "flex", gap: ".8rem", flexWrap: "wrap", alignItems: "end" }}
          aria-label="Filter connections"
        >
          <FilterSelect
            label="Class"
            name="class"
            value={q.class}
            options={ConnectionClass.options.map((c) => [c, CLASS_LABEL[c]])}
          />
          <FilterSelect
            label="Target"
            name="target"
            value={q.target}
            options={targetOptions(facets.targets, q.target)}
          />
          <FilterSelect label="State" name="state" value={q.state} options={facets.states.map((s) => [s, s])} />
          <input type="hidden" name="sort" value={q.sort} />
          {q.pageSize !== 50 && <input type="hidden" name="pageSize" value={q.pageSize} />}
          <button className="btn" type="submit">
            Filter
          </button>
          <span className="muted">
            Sort:{" "}
            {q.sort === "time" ? (
              <>
                <strong>time</strong> · <Link href={href({ sort: "gap" })}>idle gap</Link>
              </>
            ) : (
              <>
                <Link href={href({ sort: "time" })}>time</Link> · <strong>idle gap</strong>
              </>
            )}
          </span>
        </form>
      </section>
      <section className="panel" aria-labelledby="conns-h">
        <h2 id="conns-h">{list.total} connection(s)</h2>
        {badCursor && (
          <p role="status" className="muted" data-testid="bad-cursor">
            That page link is not valid (any more): showing the first page.
          </p>
        )}
        {list.total === 0 ? (
          <p className="muted">No connections match. Upload a capture of the gateway↔target leg to see them.</p>
        ) : (
          <table data-testid="connections-table" className="one-line">
            <thead>
              <tr>
                <th>No.</th>
                <th>Start</th>
                <th>Gateway → target</th>
                <th>Class</th>
                <th>State</th>
                <th>History</th>
                <th className="num">Idle gap</th>
                <th>Closed by</th>
                <th>Requests</th>
                <th>Matched 502</th>
              </tr>
            </thead>
            <tbody>
              {list.connections.map((c) => (
                <tr key={c.id} data-class={c.class}>
                  <td>
                    <Link href={`${base}/${c.id}`} aria-label={`Ladder of connection ${c.id} (${c.gateway})`}>
                      {c.id}
                    </Link>
                  </td>
                  <td>{fmtTs(c.startTs)}</td>
                  <td>
                    {c.gateway} → {c.target}
                  </td>
                  <td className={c.class === "normal" ? "" : "bad"} title={c.reason}>
                    {CLASS_LABEL[c.class]}
                  </td>
                  <td>
                    <code>{c.state}</code>
                  </td>
                  <td>
                    <code>{c.history}</code>
                  </td>
                  <td className="num">{fmtMs(c.idleGapMs)}</td>
                  <td>{c.closer ? `${c.closer} ${c.closeKind}` : "—"}</td>
                  <td>
                    {/* One line per connection: its requests open on demand (a keep-alive connection may carry hundreds). */}
                    {c.exchanges.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <details data-testid="requests">
                        <summary>
                          {c.exchanges.length} request{c.exchanges.length === 1 ? "" : "s"}
                        </summary>
                        <ol>
                          {c.exchanges.map((e, i) => (
                            <li key={i}>
                              {requestLabel(e)} → {answerLabel(e)}
                            </li>
                          ))}
                        </ol>
                      </details>
                    )}
                  </td>
                  <td>{c.matched ? `${c.matched.status ?? ""} ${c.matched.errCode ?? ""} ${c.matched.url}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(toFirst || toLast) && (
          // Keyset pages (no page numbers: reaching page N would need an OFFSET scan). Each link carries the
          // cursor of the row it continues from, so the URL of any page can be shared.
          <nav
            aria-label="Pages"
            data-testid="connections-pager"
            style={{ marginTop: ".6rem", display: "flex", gap: ".8rem", alignItems: "baseline" }}
          >
            {!toFirst ? (
              <span className="muted" aria-disabled="true">
                « first
              </span>
            ) : (
              <Link href={href({})} aria-label="First page">
                « first
              </Link>
            )}
            {list.prevCursor === null ? (
              <span className="muted" aria-disabled="true">
                ‹ previous
              </span>
            ) : (
              <Link href={href({ cursor: list.prevCursor })} rel="prev" aria-label="Previous page">
                ‹ previous
              </Link>
            )}
            <span className="muted">
              {list.connections.length} of {list.total} shown, {q.pageSize} per page
            </span>
            {list.nextCursor === null ? (
              <span className="muted" aria-disabled="true">
                next ›
              </span>
            ) : (
              <Link href={href({ cursor: list.nextCursor })} rel="next" aria-label="Next page">
                next ›
              </Link>
            )}
            {!toLast || list.lastCursor === null ? (
              <span className="muted" aria-disabled="true">
                last »
              </span>
            ) : (
              <Link href={href({ cursor: list.lastCursor })} aria-label="Last page">
                last »
              </Link>
            )}
          </nav>
        )}
      </section>
    </>
  );
}

/** The capture's addresses; a name the log gives some of them (an evidence link's filter) is kept as chosen. */
function targetOptions(addresses: string[], chosen: string | undefined): Array<[string, string]> {
  const named = chosen && !addresses.includes(chosen) ? [chosen] : [];
  return [...named, ...addresses].map((t) => [t, t]);
}
