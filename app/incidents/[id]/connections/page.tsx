import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { connectionFacets, listConnections } from "@/lib/analysis/connections-view";
import { ConnectionClass, ConnectionQuery } from "@/lib/api/connection-schema";
import { fmtMs, fmtTs } from "@/lib/format";
import { pageIncidentAccess } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const CLASS_LABEL: Record<string, string> = {
  normal: "normal",
  "keepalive-race": "keep-alive race",
  "premature-close": "premature close",
  "target-reset-mid-response": "target reset mid-response",
  refused: "connection refused",
  "gateway-close": "gateway-side close",
  unknown: "unknown",
};

export default async function ConnectionsPage({ params, searchParams }: Props) {
  const { id } = await params;
  await pageIncidentAccess(id);
  const sp = await searchParams;
  const raw = Object.fromEntries(Object.entries(sp).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const parsed = ConnectionQuery.safeParse(raw);
  const q = parsed.success ? parsed.data : ConnectionQuery.parse({});
  const { db } = app();
  const incident = await db.incident.findUnique({ where: { id }, select: { id: true, title: true } });
  if (!incident) notFound();
  const [list, facets] = await Promise.all([listConnections(db, id, q), connectionFacets(db, id)]);
  const base = `/incidents/${id}/connections`;
  const href = (over: Record<string, string | number | undefined>) => {
    const u = new URLSearchParams();
    const merged: Record<string, string | number | undefined> = { class: q.class, target: q.target, state: q.state, sort: q.sort, page: q.page, ...over };
    for (const [k, v] of Object.entries(merged)) if (v !== undefined && v !== "" && !(k === "sort" && v === "time") && !(k === "page" && v === 1)) u.set(k, String(v));
    const s = u.toString();
    return s ? `${base}?${s}` : base;
  };
  const pages = Math.max(1, Math.ceil(list.total / q.pageSize));

  return (
    <>
      <section className="panel">
        <p><Link href={`/incidents/${id}`}>← {incident.title}</Link></p>
        <h1 style={{ fontSize: "1.3rem", margin: "0 0 .6rem" }}>TCP connections</h1>
        <form method="get" action={base} style={{ display: "flex", gap: ".8rem", flexWrap: "wrap", alignItems: "end" }} aria-label="Filter connections">
          <label>Class<br />
            <select name="class" defaultValue={q.class ?? ""}>
              <option value="">all</option>
              {ConnectionClass.options.map((c) => <option key={c} value={c}>{CLASS_LABEL[c]}</option>)}
            </select>
          </label>
          <label>Target<br />
            <select name="target" defaultValue={q.target ?? ""}>
              <option value="">all</option>
              {facets.targets.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
          <label>State<br />
            <select name="state" defaultValue={q.state ?? ""}>
              <option value="">all</option>
              {facets.states.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
          <input type="hidden" name="sort" value={q.sort} />
          <button className="btn" type="submit">Filter</button>
          <span className="muted">Sort: {q.sort === "time"
            ? <><strong>time</strong> · <Link href={href({ sort: "gap", page: 1 })}>idle gap</Link></>
            : <><Link href={href({ sort: "time", page: 1 })}>time</Link> · <strong>idle gap</strong></>}</span>
        </form>
      </section>
      <section className="panel" aria-labelledby="conns-h">
        <h2 id="conns-h">{list.total} connection(s)</h2>
        {list.total === 0 ? <p className="muted">No connections match. Upload a capture of the gateway↔target leg to see them.</p> : (
          <table data-testid="connections-table">
            <thead>
              <tr>
                <th>#</th><th>Start</th><th>Gateway → target</th><th>Class</th><th>State</th><th>History</th>
                <th className="num">Idle gap</th><th>Closed by</th><th>Requests</th><th>Matched 502</th>
              </tr>
            </thead>
            <tbody>
              {list.connections.map((c) => (
                <tr key={c.id} data-class={c.class}>
                  <td><Link href={`${base}/${c.id}`} aria-label={`Ladder of connection ${c.index} (${c.gateway})`}>{c.index}</Link></td>
                  <td>{fmtTs(c.startTs)}</td>
                  <td>{c.gateway} → {c.target}</td>
                  <td className={c.class === "normal" ? "" : "bad"} title={c.reason}>{CLASS_LABEL[c.class]}</td>
                  <td><code>{c.state}</code></td>
                  <td><code>{c.history}</code></td>
                  <td className="num">{fmtMs(c.idleGapMs)}</td>
                  <td>{c.closer ? `${c.closer} ${c.closeKind}` : "—"}</td>
                  <td>{c.exchanges.map((e) => `${e.method ?? "?"} ${e.path ?? "?"} → ${e.status ?? "none"}`).join("; ")}</td>
                  <td>{c.matched ? `${c.matched.status ?? ""} ${c.matched.errCode ?? ""} ${c.matched.url}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 && (
          <nav aria-label="Pages" style={{ marginTop: ".6rem", display: "flex", gap: ".8rem" }}>
            {q.page > 1 && <Link href={href({ page: q.page - 1 })}>← previous</Link>}
            <span className="muted">page {q.page} of {pages}</span>
            {q.page < pages && <Link href={href({ page: q.page + 1 })}>next →</Link>}
          </nav>
        )}
      </section>
    </>
  );
}
