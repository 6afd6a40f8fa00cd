import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { pageIncidentAccess } from "@/lib/auth/access";
import { listTransactions } from "@/lib/explore/transactions";
import { queryInput, TransactionQuery } from "@/lib/explore/schema";
import { TransactionTable } from "@/components/transaction-table";
import { fmtTs } from "@/lib/format";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** What the filters select, in words. */
function describe(q: TransactionQuery): string {
  const parts: string[] = [];
  if (q.minStatus !== undefined) parts.push(`status ≥ ${q.minStatus}`);
  if (q.status) parts.push(`status ${q.status}`);
  if (q.errCode) parts.push(q.errCode === "none" ? "no error code" : `error code ${q.errCode}`);
  if (q.target) parts.push(`target ${q.target}`);
  if (q.proxy) parts.push(`proxy ${q.proxy}`);
  if (q.from !== undefined) parts.push(`from ${fmtTs(q.from)}`);
  if (q.to !== undefined) parts.push(`until ${fmtTs(q.to)}`);
  return parts.join(", ");
}

export default async function TransactionsPage({ params, searchParams }: Props) {
  const { id } = await params;
  await pageIncidentAccess(id);
  const input = queryInput(await searchParams);
  const { db } = app();
  const incident = await db.incident.findUnique({ where: { id }, select: { id: true, title: true } });
  if (!incident) notFound();
  const parsed = TransactionQuery.safeParse(input);
  const base = `/incidents/${id}/transactions`;
  if (!parsed.success) {
    return (
      <section className="panel">
        <p>
          <Link href={`/incidents/${id}`}>← {incident.title}</Link>
        </p>
        <p className="note bad" role="alert">
          {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
        </p>
        <p>
          <Link href={base}>All transactions</Link>
        </p>
      </section>
    );
  }
  const q = parsed.data;
  const list = await listTransactions(db, id, q);
  const pages = Math.max(1, Math.ceil(list.total / q.pageSize));
  const href = (page: number) => {
    const u = new URLSearchParams(Object.fromEntries(Object.entries(input).filter(([k]) => k !== "page")));
    if (page > 1) u.set("page", String(page));
    return `${base}?${u}`;
  };
  // The same selection in the log explorer: every line of these transactions' time, target and code.
  const logs = new URLSearchParams(
    Object.fromEntries(
      ["from", "to", "target", "proxy", "errCode", "status"].flatMap((k) =>
        input[k] && !(k === "errCode" && input[k] === "none") ? [[k, input[k]]] : [],
      ),
    ),
  );
  const what = describe(q);

  return (
    <>
      <section className="panel">
        <p>
          <Link href={`/incidents/${id}`}>← {incident.title}</Link>
        </p>
        <h1 style={{ fontSize: "1.3rem", margin: "0 0 .4rem" }}>Transactions</h1>
        <p data-testid="transactions-filter">
          {what ? (
            <>
              Showing transactions with {what}. <Link href={base}>Show all</Link>
            </>
          ) : (
            "All transactions of the incident."
          )}
        </p>
        <p className="muted">
          <Link href={`/incidents/${id}/logs${logs.size ? `?${logs}` : ""}`}>These in the log explorer</Link>
          {q.target && (
            <>
              {" "}
              ·{" "}
              <Link href={`/incidents/${id}/connections?target=${encodeURIComponent(q.target)}`}>
                TCP connections to {q.target}
              </Link>
            </>
          )}
        </p>
      </section>
      <section className="panel" aria-labelledby="tx-h">
        <h2 id="tx-h">{list.total} transaction(s)</h2>
        <TransactionTable incidentId={id} rows={list.transactions} />
        {pages > 1 && (
          <nav aria-label="Pages" style={{ marginTop: ".6rem", display: "flex", gap: ".8rem" }}>
            {q.page > 1 && <Link href={href(q.page - 1)}>← previous</Link>}
            <span className="muted">
              page {q.page} of {pages}
            </span>
            {q.page < pages && <Link href={href(q.page + 1)}>next →</Link>}
          </nav>
        )}
      </section>
    </>
  );
}
