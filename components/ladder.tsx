import type { ConnectionDetail } from "@/lib/api/connection-schema";
import { requestLabel, unreadable } from "@/components/connection-labels";

type Step = ConnectionDetail["ladder"][number];

/**
 * What the troubleshooting guide annotates: request, response, idle gap, FIN, RST, each once. The tracker's note
 * (lib/analysis/tcp/connection.ts) already names requests, responses and closes with their idle gaps; the
 * exchanges add what the note cannot know when it is written (a request that was never answered).
 */
export function annotations(s: Step, c: ConnectionDetail): string[] {
  const out: string[] = [];
  for (const e of c.exchanges) {
    // Over TLS the tracker's note names request and answer ("request (encrypted)", "answer (encrypted)").
    if (e.reqFrame === s.frame && !unreadable(e))
      out.push(`request ${requestLabel(e)}${e.complete ? "" : " (unanswered)"}`);
    else if (e.reqFrame === s.frame && !e.complete) out.push("unanswered request");
    if (e.respFrame === s.frame && (e.status !== null || !unreadable(e))) out.push(`response ${e.status ?? "?"}`);
  }
  if (s.flags.includes("RST")) out.push("RST");
  else if (s.flags.includes("FIN")) out.push("FIN");
  for (const part of (s.note ?? "").split("; ")) {
    if (part && !out.some((m) => m === part || m.startsWith(`${part} (`))) out.push(part);
  }
  return out;
}

const lane: React.CSSProperties = { borderLeft: "3px solid var(--text)", height: "100%" };

/** The packet ladder of one gateway↔target connection (server or client component). */
export function Ladder({ c }: { c: ConnectionDetail }) {
  if (c.ladderNote)
    return (
      <p className="muted" data-testid="ladder-note">
        {c.ladderNote}
      </p>
    );
  const t0 = c.ladder[0]?.tsUs ?? 0;
  const gapMs = (i: number) => (i === 0 ? 0 : (c.ladder[i].tsUs - c.ladder[i - 1].tsUs) / 1000);
  const omitAfter = c.ladderOmitted > 0 ? Math.ceil(c.ladder.length / 2) - 1 : -1;
  return (
    <div
      role="table"
      aria-label="Packets"
      data-testid="ladder"
      style={{
        display: "grid",
        gridTemplateColumns: "4rem 6rem 3px 1fr 3px 14rem",
        columnGap: ".4rem",
        fontSize: ".85rem",
        fontVariantNumeric: "tabular-nums",
      }}
    >
      <div role="row" style={{ display: "contents", fontWeight: 600 }}>
        <div role="columnheader">No.</div>
        <div role="columnheader">Time (s)</div>
        <div role="columnheader" style={{ gridColumn: "3 / 6", display: "flex", justifyContent: "space-between" }}>
          <span>gateway {c.gateway}</span>
          <span>target {c.target}</span>
        </div>
        <div role="columnheader">Annotation</div>
      </div>
      {c.ladder.map((s, i) => {
        const m = annotations(s, c);
        const gap = gapMs(i);
        const bad = s.flags.includes("RST") || s.flags.includes("FIN");
        // Theme colours (app/globals.css), so the ladder reads in dark mode too.
        const color = s.flags.includes("RST")
          ? "var(--bad)"
          : s.flags.includes("FIN")
            ? "var(--fin)"
            : s.len > 0
              ? "var(--data)"
              : "var(--muted)";
        const label = `${s.flags}${s.len ? ` len=${s.len}` : ""} seq=${s.seq} ack=${s.ack}`;
        return (
          <div role="row" key={`${s.frame}-${i}`} data-frame={s.frame} style={{ display: "contents" }}>
            {gap >= 500 && (
              <div
                role="cell"
                style={{
                  gridColumn: "1 / -1",
                  background: "var(--note-bg)",
                  padding: ".2rem .5rem",
                  margin: ".2rem 0",
                }}
                data-testid="idle-gap"
              >
                idle {(gap / 1000).toFixed(2)} s
              </div>
            )}
            <div role="cell">{s.frame}</div>
            <div role="cell">{((s.tsUs - t0) / 1e6).toFixed(6)}</div>
            <div style={lane} aria-hidden />
            <div role="cell" style={{ padding: ".15rem 0", color }}>
              <div style={{ textAlign: "center" }}>{label}</div>
              <div
                aria-label={s.dir === "g2t" ? "gateway to target" : "target to gateway"}
                style={{ position: "relative", height: 2, background: color }}
              >
                <span
                  aria-hidden
                  style={{ position: "absolute", top: -7, [s.dir === "g2t" ? "right" : "left"]: -2, fontSize: ".8rem" }}
                >
                  {s.dir === "g2t" ? "▶" : "◀"}
                </span>
              </div>
            </div>
            <div style={lane} aria-hidden />
            <div role="cell" className={bad ? "bad" : ""} data-testid="annotation">
              {m.join(" · ")}
            </div>
            {i === omitAfter && (
              <div role="cell" style={{ gridColumn: "1 / -1" }} className="muted">
                … {c.ladderOmitted} packets not shown …
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
