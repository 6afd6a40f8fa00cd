import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getConnection } from "@/lib/incidents/connections";
import { fmtMs, fmtTs } from "@/lib/format";
import { Ladder } from "@/components/ladder";
import { pageIncidentAccess } from "@/lib/auth/access";
import { answerLabel, classLabel, requestLabel } from "@/components/connection-labels";

type Props = { params: Promise<{ id: string; connId: string }> };
export default async function LadderPage({ params }: Props) {
  const { id, connId } = await params;
  await pageIncidentAccess(id);
  const { db, store } = app();
  const c = await getConnection(db, store, id, connId);
  if (!c) notFound();

  return (
    <>
      <section className="panel">
        <p>
          <Link href={`/incidents/${id}/connections`}>← all connections</Link> ·{" "}
          <Link href={`/incidents/${id}`}>incident</Link>
        </p>
        {/* The number is the one in this page's URL and in the list, unique in the incident (c.index counts per capture file). */}
        <h1 style={{ fontSize: "1.3rem", margin: "0 0 .4rem" }}>
          Connection {c.id}: {c.gateway} → {c.target}
        </h1>
        <p data-testid="class-reason" className={c.class === "normal" ? "" : "bad"} data-class={c.class}>
          <strong>{classLabel(c.class)}</strong>: {c.reason}
        </p>
        <p className="muted">
          {fmtTs(c.startTs)} · frames {c.firstFrame}–{c.lastFrame} · state <code>{c.state}</code> · history{" "}
          <code>{c.history}</code> · idle gap {fmtMs(c.idleGapMs)} · {c.packets.g2t + c.packets.t2g} packets ·{" "}
          {c.retransmissions} retransmission(s)
        </p>
      </section>
      <div
        className="split"
        style={{
          display: "grid",
          gridTemplateColumns: "minmax(0, 3fr) minmax(220px, 1fr)",
          gap: "1rem",
          alignItems: "start",
        }}
      >
        <section className="panel" aria-labelledby="ladder-h">
          <h2 id="ladder-h">Ladder</h2>
          <Ladder c={c} />
        </section>
        <aside className="panel" aria-labelledby="log-h" data-testid="matched-log">
          <h2 id="log-h">Matched log line</h2>
          {c.matched ? (
            <>
              <p className="bad">
                {c.matched.status ?? ""} {c.matched.errCode ?? ""}
              </p>
              <p>
                <code>
                  {c.matched.method} {c.matched.url}
                </code>
              </p>
              <p>{fmtTs(c.matched.ts)}</p>
              {c.matched.errMessage && <p>{c.matched.errMessage}</p>}
              {c.matched.deltaMs !== null && (
                <p className="muted">
                  {Math.abs(c.matched.deltaMs).toFixed(0)} ms {c.matched.deltaMs >= 0 ? "after" : "before"} the close
                  (after clock-offset correction)
                </p>
              )}
              <p className="muted">
                correlation id <code>{c.matched.correlationId}</code>
              </p>
              <p>
                <Link href={`/incidents/${id}/transactions/${encodeURIComponent(c.matched.correlationId)}`}>
                  Transaction and its log lines
                </Link>
              </p>
            </>
          ) : (
            <p className="muted">No 502 log line coincides with this connection&apos;s close.</p>
          )}
          <h2>Exchanges</h2>
          <ol>
            {c.exchanges.map((e, i) => (
              <li key={i}>
                {requestLabel(e)} → {answerLabel(e)}
                {e.keepAliveTimeoutS !== null ? ` (Keep-Alive timeout=${e.keepAliveTimeoutS})` : ""}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </>
  );
}
