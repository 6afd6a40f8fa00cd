import Link from "next/link";
import type { Comparison, CompareSide, TargetSide } from "@/lib/export/compare";
import { CAUSE_LABEL } from "@/lib/export/markdown";
import { fmtPct, fmtRange } from "@/lib/format";

const dur = (ms: number | null) =>
  ms === null ? "—" : ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${Math.round(ms)} ms`;
const CAUSE_CLASS: Record<string, string> = { "no-502": "good", "insufficient-data": "muted" };

function Verdict({ s, which }: { s: CompareSide; which: "a" | "b" }) {
  return (
    <div className="card" data-testid={`compare-${which}`} style={{ flex: 1, minWidth: "16rem" }}>
      <div className="k">{which === "a" ? "Before" : "After"}</div>
      <div style={{ fontWeight: 600, margin: ".2rem 0" }}>
        <Link href={s.url}>{s.title}</Link>
      </div>
      <div className="muted" style={{ fontSize: ".85rem" }}>
        {fmtRange(s.firstTs, s.lastTs)}
      </div>
      <p style={{ margin: ".5rem 0 .2rem" }} data-testid={`compare-verdict-${which}`} data-cause={s.verdict.cause}>
        <strong className={CAUSE_CLASS[s.verdict.cause] ?? "bad"}>{CAUSE_LABEL[s.verdict.cause]}</strong>{" "}
        <span className="muted">(confidence {s.verdict.confidence})</span>
      </p>
      <div style={{ fontSize: ".9rem" }}>{s.verdict.summary}</div>
      <div className="muted" style={{ fontSize: ".85rem", marginTop: ".4rem" }}>
        {s.status502} × 502 in {s.transactions} transactions
        {s.logCoverage === "errors-only" ? " (errors-only logs)" : ""} · {s.verdict.explains502} explained by the
        capture
      </div>
    </div>
  );
}

const rate = (t: TargetSide | null) =>
  t ? `${fmtPct(t.errorRate)} (${t.errors502}${t.requests !== null ? ` of ${t.requests}` : ""})` : "—";

export function CompareView({ c }: { c: Comparison }) {
  const hop = (k: keyof CompareSide["hops"], label: string) => {
    const [a, b] = [c.a.hops[k], c.b.hops[k]];
    return (
      <tr key={k} data-testid={`compare-hop-${k}`}>
        <th scope="row">{label}</th>
        <td className="num">
          {dur(a.keepAliveMs)} <span className="muted">{a.source ?? ""}</span>
        </td>
        <td className="num">
          {dur(b.keepAliveMs)} <span className="muted">{b.source ?? ""}</span>
        </td>
        <td className={a.keepAliveMs !== b.keepAliveMs ? "warn" : "muted"}>
          {a.keepAliveMs !== b.keepAliveMs ? "changed" : "same"}
        </td>
      </tr>
    );
  };
  return (
    <>
      <section className="panel" aria-labelledby="cmp-verdict-h">
        <h2 id="cmp-verdict-h">Verdict</h2>
        <div style={{ display: "flex", gap: ".8rem", flexWrap: "wrap" }}>
          <Verdict s={c.a} which="a" />
          <Verdict s={c.b} which="b" />
        </div>
      </section>
      <section className="panel" aria-labelledby="cmp-targets-h">
        <h2 id="cmp-targets-h">502 rate per target</h2>
        {c.targets.length === 0 ? (
          <p className="muted">Neither incident names a target.</p>
        ) : (
          <table data-testid="compare-targets">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col" className="num">
                  502 rate before
                </th>
                <th scope="col" className="num">
                  502 rate after
                </th>
                <th scope="col" className="num">
                  Change
                </th>
                <th scope="col" className="num">
                  Inferred idle timeout before / after
                </th>
                <th scope="col" className="num">
                  Keep-alive races before / after
                </th>
              </tr>
            </thead>
            <tbody>
              {c.targets.map((t) => (
                <tr key={t.target} data-testid="compare-target-row">
                  <th scope="row">{t.target}</th>
                  <td className="num">{rate(t.a)}</td>
                  <td className="num">{rate(t.b)}</td>
                  <td
                    className={`num ${t.rateChange === null ? "muted" : t.rateChange < 0 ? "good" : t.rateChange > 0 ? "bad" : ""}`}
                  >
                    {t.rateChange === null
                      ? "—"
                      : `${t.rateChange > 0 ? "+" : ""}${(t.rateChange * 100).toFixed(2)} pp`}
                  </td>
                  <td className="num">
                    {dur(t.a?.inferredIdleTimeoutMs ?? null)} / {dur(t.b?.inferredIdleTimeoutMs ?? null)}
                  </td>
                  <td className="num">
                    {t.a?.races ?? "—"} / {t.b?.races ?? "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="cmp-hops-h">
        <h2 id="cmp-hops-h">Keep-alive timeouts (client/LB &lt; gateway &lt; target)</h2>
        <table data-testid="compare-hops">
          <thead>
            <tr>
              <th scope="col">Hop</th>
              <th scope="col" className="num">
                Before
              </th>
              <th scope="col" className="num">
                After
              </th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {hop("lb", "Client / load balancer")}
            {hop("gateway", "Gateway (edgemicro.keep_alive_timeout)")}
            {hop("target", "Target idle timeout")}
            <tr>
              <th scope="row">Hop order broken</th>
              <td className={`num ${c.a.violations ? "bad" : "good"}`}>
                {c.a.violations ? `${c.a.violations} ×` : "no"}
              </td>
              <td className={`num ${c.b.violations ? "bad" : "good"}`}>
                {c.b.violations ? `${c.b.violations} ×` : "no"}
              </td>
              <td />
            </tr>
          </tbody>
        </table>
      </section>
    </>
  );
}
