/** The one line of evidence that proves a target's verdict, for the verdict header (pure; used in the browser). */
import type { IncidentView } from "@/lib/api/incident-schema";

type TargetVerdict = IncidentView["diagnosis"]["targets"][number];
type TargetRow = IncidentView["targets"][number];
export interface KeyEvidence {
  text: string;
  href?: string;
}

const dur = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The idle timer the capture measured: how many of the target's idle closes agree on it. */
function timerLine(row: TargetRow | undefined): string | null {
  const c = row?.profile?.cluster;
  if (!c) return null;
  return `idle timer ≈ ${dur(c.ms)}: ${c.n} of ${c.of} idle closes agree`;
}

/** Closes after the target had the request long enough to answer, without a response byte. */
function prematureLine(row: TargetRow | undefined): string | null {
  const n = row?.connections.byClass["premature-close"] ?? 0;
  if (n === 0) return null;
  const top = Object.entries(row?.prematurePaths ?? {}).sort((a, b) => b[1] - a[1])[0];
  return `${plural(n, "close", "closes")} without a response after the target had the request${top ? ` (most on ${top[0]})` : ""}`;
}

/**
 * Strongest first: what the capture measured (the idle timer everyone agrees on, closes with the request in
 * hand, refused SYNs), then what the diagnosis itself cited. Null when there is nothing to cite.
 */
export function keyEvidence(v: TargetVerdict, row: TargetRow | undefined): KeyEvidence[] {
  const cited = (kind?: string) => v.evidence.find((e) => kind === undefined || e.kind === kind);
  const out: KeyEvidence[] = [];
  const timer = timerLine(row);
  const premature = prematureLine(row);
  const capHref = (cls: string) => v.evidence.find((e) => e.href?.includes(`class=${cls}`))?.href;
  if ((v.cause === "keepalive-mismatch" || v.cause === "both") && timer)
    out.push({ text: timer, href: capHref("keepalive-race") });
  if ((v.cause === "premature-close" || v.cause === "both") && premature)
    out.push({ text: premature, href: capHref("premature-close") });
  if (out.length > 0) return out;
  // Other causes (refused, timeouts, TLS) and verdicts without a capture: the capture's word, else the log's.
  const e = cited("capture") ?? cited("log") ?? cited();
  return e ? [{ text: e.label, href: e.href }] : [];
}
