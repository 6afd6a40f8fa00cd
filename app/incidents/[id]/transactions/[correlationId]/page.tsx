import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { canEdit, pageIncidentAccess } from "@/lib/auth/access";
import { getTransaction } from "@/lib/explore/transactions";
import { fmtMs, fmtTs } from "@/lib/format";
import { Ladder } from "@/components/ladder";
import { classLabel } from "@/components/connection-labels";
import { LogLines } from "@/components/log-lines";
import { TransactionCauseBox } from "@/components/transaction-cause";

type Props = { params: Promise<{ id: string; correlationId: string }> };

/** One client request: its log lines, the TCP connection it died on (ladder) and the cause that explains it. */
export default async function TransactionPage({ params }: Props) {
  const { id, correlationId: raw } = await params;
  const viewer = await pageIncidentAccess(id);
  const correlationId = safeDecode(raw);
  const { db, store } = app();
  const tx = await getTransaction(db, store, id, correlationId, { maskClientIds: !canEdit(viewer) });
  if (!tx) notFound();
  const main = tx.transactions.find((t) => t.status !== null && t.status >= 500) ?? tx.transactions[0];
  const c = tx.connection;

  return (
    <>
      <section className="panel">
        <p>
          <Link href={`/incidents/${id}`}>← incident</Link> ·{" "}
          <Link href={`/incidents/${id}/transactions`}>all transactions</Link>
          {main.target && (
            <>
              {" "}
              ·{" "}
              <Link href={`/incidents/${id}/transactions?target=${encodeURIComponent(main.target)}`}>
                transactions to {main.target}
              </Link>
            </>
          )}
        </p>
        <h1 style={{ fontSize: "1.3rem", margin: "0 0 .4rem" }}>
          <code>
            {main.method} /{main.url}
          </code>
        </h1>
        <p data-testid="transaction-summary">
          <span className={main.status !== null && main.status >= 500 ? "bad" : ""}>{main.status ?? "no status"}</span>
          {main.errCode && (
            <>
              {" "}
              · <span className="bad">{main.errCode}</span>
            </>
          )}
          {main.errMessage && <> · {main.errMessage}</>} · target <code>{main.target ?? "—"}</code> · proxy{" "}
          {main.proxy ?? "—"}
        </p>
        <p className="muted">
          {fmtTs(main.startTs)} → {fmtTs(main.endTs).slice(11)} · {fmtMs(main.durationMs)} · correlation id{" "}
          <code>{correlationId}</code>
          {tx.transactions.length > 1 && ` · ${tx.transactions.length} transactions share this id`}
        </p>
      </section>
      <section className="panel" aria-labelledby="cause-h">
        <h2 id="cause-h">What explains it</h2>
        <TransactionCauseBox cause={tx.cause} />
      </section>
      <section className="panel" aria-labelledby="tx-lines-h">
        <h2 id="tx-lines-h">Log lines ({tx.lines.candidates})</h2>
        <LogLines incidentId={id} lines={tx.lines.lines} showTransaction={false} />
        <p className="muted">
          <Link href={`/incidents/${id}/logs?correlationId=${encodeURIComponent(correlationId)}`}>
            Open in the log explorer
          </Link>
        </p>
      </section>
      <section className="panel" aria-labelledby="conn-h" data-testid="transaction-connection">
        <h2 id="conn-h">TCP connection</h2>
        {c ? (
          <>
            <p>
              <Link href={`/incidents/${id}/connections/${c.id}`}>
                Connection {c.id}: {c.gateway} → {c.target}
              </Link>{" "}
              ·{" "}
              <span className={c.class === "normal" ? "" : "bad"} data-class={c.class}>
                {classLabel(c.class)}
              </span>{" "}
              · state <code>{c.state}</code> · idle gap {fmtMs(c.idleGapMs)}
              {c.matched?.deltaMs != null && (
                <>
                  {" "}
                  · the 502 is {Math.abs(c.matched.deltaMs).toFixed(0)} ms {c.matched.deltaMs >= 0 ? "after" : "before"}{" "}
                  the close
                </>
              )}
            </p>
            <Ladder c={c} />
          </>
        ) : (
          <p className="muted">
            No captured connection matches this transaction
            {main.status !== null && main.status >= 500
              ? " (upload a capture of the gateway↔target leg taken at the same time)"
              : ""}
            .
          </p>
        )}
      </section>
    </>
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
