import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getConnection } from "@/lib/analysis/connections-view";
import { fmtMs, fmtTs } from "@/lib/format";
import type { ConnectionDetail } from "@/lib/api/connection-schema";
import { pageIncidentAccess } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string; connId: string }> };
type Step = ConnectionDetail["ladder"][number];

/** What the troubleshooting guide annotates: request, response, idle gap, FIN, RST. */
function marks(s: Step, c: ConnectionDetail): string[] {
  const out: string[] = [];
  for (const e of c.exchanges) {
    if (e.reqFrame === s.frame) out.push(`request ${e.method ?? "?"} ${e.path ?? "?"}${e.complete ? "" : " (unanswered)"}`);
    if (e.respFrame === s.frame) out.push(`response ${e.status ?? "?"}`);
  }
  if (s.flags.includes("RST")) out.push("RST");
  else if (s.flags.includes("FIN")) out.push("FIN");
  return out;
}

const lane: React.CSSProperties = { borderLeft: "3px solid #14233c", height: "100%" };

export default async function LadderPage({ params }: Props) {
  const { id, connId } = await params;
  await pageIncidentAccess(id);
  const c = await getConnection(app().db, id, connId);
  if (!c) notFound();
  const t0 = c.ladder[0]?.tsUs ?? 0;
  const gapMs = (i: number) => (i === 0 ? 0 : (c.ladder[i].tsUs - c.ladder[i - 1].tsUs) / 1000);
  const omitAfter = c.ladderOmitted > 0 ? Math.ceil(c.ladder.length / 2) - 1 : -1;

  return (
    <>
      <section className="panel">
        <p><Link href={`/incidents/${id}/connections`}>← all connections</Link> · <Link href={`/incidents/${id}`}>incident</Link></p>
        <h1 style={{ fontSize: "1.3rem", margin: "0 0 .4rem" }}>Connection {c.index}: {c.gateway} → {c.target}</h1>
        <p data-testid="class-reason" className={c.class === "normal" ? "" : "bad"}><strong>{c.class}</strong>: {c.reason}</p>
        <p className="muted">
          {fmtTs(c.startTs)} · frames {c.firstFrame}–{c.lastFrame} · state <code>{c.state}</code> · history <code>{c.history}</code> · idle gap {fmtMs(c.idleGapMs)}
          {" "}· {c.packets.g2t + c.packets.t2g} packets · {c.retransmissions} retransmission(s)
        </p>
      </section>
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(220px, 1fr)", gap: "1rem", alignItems: "start" }}>
        <section className="panel" aria-labelledby="ladder-h">
          <h2 id="ladder-h">Ladder</h2>
          <div role="table" aria-label="Packets" data-testid="ladder" style={{ display: "grid", gridTemplateColumns: "4rem 6rem 3px 1fr 3px 14rem", columnGap: ".4rem", fontSize: ".85rem", fontVariantNumeric: "tabular-nums" }}>
            <div role="row" style={{ display: "contents", fontWeight: 600 }}>
              <div role="columnheader">No.</div><div role="columnheader">Time (s)</div>
              <div role="columnheader" style={{ gridColumn: "3 / 6", display: "flex", justifyContent: "space-between" }}><span>gateway {c.gateway}</span><span>target {c.target}</span></div>
              <div role="columnheader">Annotation</div>
            </div>
            {c.ladder.map((s, i) => {
              const m = marks(s, c);
              const gap = gapMs(i);
              const bad = s.flags.includes("RST") || s.flags.includes("FIN");
              const color = s.flags.includes("RST") ? "#c62828" : s.flags.includes("FIN") ? "#e65100" : s.len > 0 ? "#1565c0" : "#555";
              const label = `${s.flags}${s.len ? ` len=${s.len}` : ""} seq=${s.seq} ack=${s.ack}`;
              return (
                <div role="row" key={`${s.frame}-${i}`} data-frame={s.frame} style={{ display: "contents" }}>
                  {gap >= 500 && (
                    <div role="cell" style={{ gridColumn: "1 / -1", background: "#fff8e1", padding: ".2rem .5rem", margin: ".2rem 0" }} data-testid="idle-gap">
                      idle {(gap / 1000).toFixed(2)} s
                    </div>
                  )}
                  <div role="cell">{s.frame}</div>
                  <div role="cell">{((s.tsUs - t0) / 1e6).toFixed(6)}</div>
                  <div style={lane} aria-hidden />
                  <div role="cell" style={{ padding: ".15rem 0", color }}>
                    <div style={{ textAlign: "center" }}>{label}</div>
                    <div aria-label={s.dir === "g2t" ? "gateway to target" : "target to gateway"} style={{ position: "relative", height: 2, background: color }}>
                      <span style={{ position: "absolute", top: -7, [s.dir === "g2t" ? "right" : "left"]: -2, fontSize: ".8rem" }}>{s.dir === "g2t" ? "▶" : "◀"}</span>
                    </div>
                  </div>
                  <div style={lane} aria-hidden />
                  <div role="cell" className={bad ? "bad" : ""}>{[...m, s.note].filter(Boolean).join(" · ")}</div>
                  {i === omitAfter && (
                    <div role="cell" style={{ gridColumn: "1 / -1" }} className="muted">… {c.ladderOmitted} packets not shown …</div>
                  )}
                </div>
              );
            })}
          </div>
        </section>
        <aside className="panel" aria-labelledby="log-h" data-testid="matched-log">
          <h2 id="log-h">Matched log line</h2>
          {c.matched ? (
            <>
              <p className="bad">{c.matched.status ?? ""} {c.matched.errCode ?? ""}</p>
              <p><code>{c.matched.method} {c.matched.url}</code></p>
              <p>{fmtTs(c.matched.ts)}</p>
              {c.matched.errMessage && <p>{c.matched.errMessage}</p>}
              {c.matched.deltaMs !== null && <p className="muted">{Math.abs(c.matched.deltaMs).toFixed(0)} ms {c.matched.deltaMs >= 0 ? "after" : "before"} the close (after clock-offset correction)</p>}
              <p className="muted">correlation id <code>{c.matched.correlationId}</code></p>
            </>
          ) : <p className="muted">No 502 log line coincides with this connection&apos;s close.</p>}
          <h2>Exchanges</h2>
          <ol>
            {c.exchanges.map((e, i) => (
              <li key={i}>{e.method ?? "?"} {e.path ?? "?"} → {e.status ?? "no response"}{e.keepAliveTimeoutS !== null ? ` (Keep-Alive timeout=${e.keepAliveTimeoutS})` : ""}</li>
            ))}
          </ol>
        </aside>
      </div>
    </>
  );
}
