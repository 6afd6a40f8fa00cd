/** The Markdown report for a ticket: verdict, evidence, hops, targets, examples with log lines and frames, fix. Pure. */
import type { AnalysisExport, Example } from "./schema";
import { CAUSE_LABEL } from "@/lib/analysis/diagnosis/labels";
import { incidentWorkerRestarts } from "@/lib/incidents/worker-restarts";

export { CAUSE_LABEL };

const iso = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString());
const dur = (ms: number | null) =>
  ms === null ? "—" : ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${Math.round(ms * 10) / 10} ms`;
const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`);
const signed = (ms: number) => `${ms > 0 ? "+" : ""}${Math.round(ms * 10) / 10} ms`;
/**
 * Text from a bundle or a person (titles, notes, answers, log fields, file names) as literal Markdown: a
 * backslash before every character that could start raw HTML (`<`), an entity (`&`), a link or image (`[`, `]`),
 * a code span or a table cell border, so `<img src=…>` or `![](https://tracker/…)` in a log line stays text
 * wherever the report is rendered. Emphasis characters are left: harmless, and escaping them would litter ids.
 */
export const mdText = (v: string) => v.replace(/[\\`[\]<>&|]/g, "\\$&");
/** A table cell: literal text, one line. */
/** Bundle-derived text on one line of Markdown: escaped, line breaks folded. */
const line = (v: string) => mdText(v).replace(/\r?\n/g, " ");
const cell = (v: string | number | null) => (v === null || v === "" ? "—" : mdText(String(v)).replace(/\r?\n/g, " "));
/** Inline code that survives backticks in the text. */
const code = (s: string) => {
  const ticks = "`".repeat(Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${ticks}${ticks.length > 1 ? " " : ""}${s}${ticks.length > 1 ? " " : ""}${ticks}`;
};
/** A fenced block whose fence is longer than any backtick run inside. */
const fence = (lang: string, body: string) => {
  const ticks = "`".repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${body}\n${ticks}`;
};
const table = (head: string[], rows: Array<Array<string | number | null>>) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");

function clockLine(c: AnalysisExport["clock"]): string {
  const detected =
    c.detectedOffsetMs === null
      ? "none detected"
      : `detected ${signed(c.detectedOffsetMs)} from ${c.detectedPairs} matched pairs`;
  const applied =
    c.source === "override"
      ? `${signed(c.appliedOffsetMs)} set by hand`
      : c.source === "detected"
        ? `${signed(c.appliedOffsetMs)} (detected)`
        : "none applied";
  return `${applied}; ${detected}`;
}

function restartsLine(v: AnalysisExport["incident"]): string {
  const { events, total } = incidentWorkerRestarts(v);
  if (total === 0) return "0";
  const r = events[0];
  return `${total} (first: worker ${r.worker} ${r.event === "exit" ? "exited" : "started"} at ${iso(r.ts)}, ${r.fileName} line ${r.lineNo})`;
}

/** The gateway started again as a new process (a new log file): lib/incidents/worker-restarts.ts. */
function processRestartsLine(v: AnalysisExport["incident"]): string {
  const { processes } = incidentWorkerRestarts(v);
  if (processes.length === 0) return "0";
  const p = processes[0];
  const where = p.lineNo === null ? p.fileName : `${p.fileName} line ${p.lineNo}`;
  return `${processes.length} (first: ${p.host} at ${iso(p.ts)}, ${where}; the process before wrote its last line at ${iso(p.lastTs)}, ${p.lastFileName})`;
}

function example(e: Example, i: number, hasCapture: boolean): string {
  const head = mdText(
    `### ${i + 1}. ${e.method} /${e.url} → ${e.status ?? "—"}${e.errCode ? ` ${e.errCode}` : ""}${e.errMessage ? ` (${e.errMessage})` : ""}`,
  ).replace(/\r?\n/g, " ");
  const facts = [
    `- Time: ${iso(e.ts)} · target ${code(e.target ?? "unknown")} · correlation id ${code(e.correlationId)}`,
    `- Log: ${code(`${e.log.file}:${e.log.lineNo}`)} (byte offset ${e.log.byteOffset})`,
  ];
  const c = e.connection;
  if (c) {
    const close =
      c.closeFrame === null
        ? "no close captured"
        : `${c.closer ?? "?"} ${c.closeKind ?? "close"} in frame ${c.closeFrame}`;
    const delta =
      c.deltaMs === null
        ? ""
        : `; the log line is ${Math.abs(Math.round(c.deltaMs * 10) / 10)} ms ${c.deltaMs >= 0 ? "after" : "before"} the close`;
    facts.push(
      `- Capture: ${code(c.captureFile)} connection ${code(c.gateway)}, frames ${c.firstFrame}–${c.lastFrame}, ${close}; class **${c.class}**${c.idleGapMs !== null ? `, idle ${dur(c.idleGapMs)} before the request` : ""}${delta}`,
    );
  } else
    facts.push(hasCapture ? "- Capture: no captured connection matches this failure" : "- Capture: none in the bundle");
  const lines = e.log.lines.length
    ? fence("text", e.log.lines.map((l) => `${e.log.file}:${l.lineNo}  ${l.text}`).join("\n"))
    : "_(log lines not readable)_";
  return [head, "", ...facts, "", lines].join("\n");
}

export function reportMarkdown(a: AnalysisExport, opts: { origin?: string; examples?: number } = {}): string {
  const v = a.incident;
  const d = v.diagnosis;
  const s = v.summary;
  const conns = v.targets.reduce((n, t) => n + t.connections.total, 0);
  const byClass = (cls: string) => v.targets.reduce((n, t) => n + (t.connections.byClass[cls] ?? 0), 0);
  const out: string[] = [];
  out.push(`# 502 report: ${mdText(v.title).replace(/\r?\n/g, " ")}`, "");
  out.push(
    `Incident ${code(v.id)}${v.org ? ` · ${mdText(v.org)}${v.env ? `/${mdText(v.env)}` : ""}` : ""} · logs ${iso(s.firstTs)} → ${iso(s.lastTs)} · report generated ${a.generatedAt}`,
  );
  out.push(`Dashboard: ${opts.origin ? `${opts.origin}${v.url}` : v.url}`, "");
  if (v.note.trim()) out.push(`> ${mdText(v.note.trim()).replace(/\r?\n/g, "\n> ")}`, "");

  out.push("## Verdict", "");
  out.push(
    `**${CAUSE_LABEL[d.verdict.cause]}** (${d.verdict.cause}, confidence ${d.verdict.confidence}): ${line(d.verdict.summary)}`,
    "",
  );
  out.push(
    `The evidence explains **${d.verdict.explains502} of ${s.status502 + s.status504}** failures (502 and 504).`,
    "",
  );
  const failing = d.targets.filter((t) => t.cause !== "healthy");
  for (const t of failing) {
    out.push(`### ${line(t.target)}${t.proxy ? ` (${line(t.proxy)})` : ""}: ${CAUSE_LABEL[t.cause]}`, "");
    out.push(
      `${t.cause}, confidence ${t.confidence}, ${t.explains502} failure(s) explained${t.idleTimeoutMs !== null ? `, target idle timeout ≈ ${dur(t.idleTimeoutMs)}` : ""}. ${line(t.summary)}`,
      "",
    );
    out.push(
      ...t.evidence.map((x) => `- ${x.kind === "answer" ? "**Your answer:** " : `${x.kind}: `}${line(x.label)}`),
      "",
    );
  }
  const healthy = d.targets.filter((t) => t.cause === "healthy").map((t) => t.target);
  if (healthy.length) out.push(`Healthy: ${line(healthy.join(", "))}.`, "");

  out.push("## Evidence", "");
  out.push(
    table(
      ["Evidence", "Count"],
      [
        ["502 responses in the logs", s.status502],
        ["504 (gateway request_timeout)", s.status504],
        ...Object.entries(s.errorCodes).map(([k, n]): [string, number] => [`5xx with error code ${k}`, n]),
        ["Transactions in the logs", s.transactions],
        ["Log coverage", s.logCoverage],
        ["Captured gateway↔target connections", conns],
        ["Keep-alive races (target closed an idle socket as it was reused)", byClass("keepalive-race")],
        ["Premature closes (target closed without answering)", byClass("premature-close")],
        ["502 / ECONNRESET matched to a connection close", `${a.clock.matched} of ${a.clock.failures}`],
        ["Clock offset, log − capture", clockLine(a.clock)],
        ["Gateway workers exited or started while serving (a worker died, a reload or a stop)", restartsLine(v)],
        ["Gateway started again as a new process (a new log file)", processRestartsLine(v)],
        ["Files in the bundle", v.files.map((f) => `${f.name} (${f.kind}, ${f.status})`).join(", ")],
      ],
    ),
    "",
  );

  out.push("## Keep-alive timeouts (client/LB < gateway < target)", "");
  out.push(
    table(
      ["Hop", "Keep-alive", "Source"],
      d.hops.map((h) => [h.name, dur(h.keepAliveMs), h.source ?? "unknown"]),
    ),
    "",
  );
  for (const x of d.violations)
    out.push(
      `- **Broken:** the ${x.downstream} keeps idle connections ${x.byMs ? `${dur(x.byMs)} longer than` : "as long as"} the ${x.upstream}.`,
    );
  if (d.violations.length) out.push("");

  out.push("## Targets", "");
  out.push(
    v.targets.length
      ? table(
          [
            "Target",
            "Proxy",
            "Requests",
            "502",
            "502 rate",
            "Error codes",
            "p50",
            "p95",
            "Connections",
            "Races",
            "Premature closes",
            "Inferred idle timeout",
          ],
          v.targets.map((t) => [
            t.target,
            t.proxy,
            t.requests,
            t.errors502,
            pct(t.errorRate),
            Object.entries(t.errorCodes)
              .map(([k, n]) => `${k} ${n}`)
              .join(", "),
            t.p50Ms === null ? null : dur(t.p50Ms),
            t.p95Ms === null ? null : dur(t.p95Ms),
            t.connections.total,
            t.connections.byClass["keepalive-race"] ?? 0,
            t.connections.byClass["premature-close"] ?? 0,
            t.inferredIdleTimeoutMs === null ? null : `${dur(t.inferredIdleTimeoutMs)} (${t.idleTimeoutSupport} gaps)`,
          ]),
        )
      : "_No target in the logs or captures._",
    "",
  );

  const shown = a.examples.slice(0, opts.examples ?? 5);
  out.push(`## Examples (${shown.length} of ${a.clock.failures})`, "");
  if (shown.length === 0) out.push("_No 502 / ECONNRESET transaction in the logs._", "");
  for (const [i, e] of shown.entries()) out.push(example(e, i, a.clock.connections > 0), "");

  out.push("## Fix", "");
  const fixes = failing.filter((t) => t.fix);
  for (const t of fixes) {
    const f = t.fix!;
    out.push(
      `### ${line(t.target)}: ${line(f.title)}`,
      "",
      fence(/^edgemicro:/m.test(f.snippet) ? "yaml" : "sh", f.snippet),
      "",
      ...f.notes.map((n) => `- ${line(n)}`),
      "",
    );
  }
  if (fixes.length === 0) out.push("_No fix yet: the evidence does not name a cause._", "");
  if (d.mustGather.length) {
    out.push("## Still needed", "", ...d.mustGather.map((m) => `- **${m.item}**: ${m.why}`), "");
  }
  const answers = Object.entries(d.answers);
  if (answers.length)
    out.push(
      "## Answers given (typed by a person, not measured)",
      "",
      ...answers.map(([k, val]) => `- ${mdText(k)}: ${mdText(String(val)).replace(/\r?\n/g, " ")}`),
      "",
    );
  out.push(`<sub>analysis.json schemaVersion ${a.schemaVersion}</sub>`, "");
  return out.join("\n");
}
