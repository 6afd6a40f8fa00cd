import type { IncidentView } from "@/lib/api/incident-schema";

export interface TimelineChartData {
  /** Error codes in stacking order (most frequent first). */
  codes: string[];
  rows: Array<{ t: number; label: string; total: number } & Record<string, number | string | null>>;
  /** True when any bucket has target FIN/RST closes from a capture (rows then carry `targetFin`/`targetRst`, null when 0). */
  closes: boolean;
}

/** Fills empty buckets between the first and last so gaps read as quiet time, not missing bars. */
export function timelineChartData(timeline: IncidentView["timeline"], maxBars = 2000): TimelineChartData {
  const { bucketMs, buckets } = timeline;
  const totals = new Map<string, number>();
  for (const b of buckets) for (const [code, n] of Object.entries(b.errors)) totals.set(code, (totals.get(code) ?? 0) + n);
  const codes = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const closes = buckets.some((b) => (b.targetFin ?? 0) + (b.targetRst ?? 0) > 0);
  if (buckets.length === 0) return { codes, rows: [], closes };
  const byT = new Map(buckets.map((b) => [b.t, b]));
  const first = buckets[0].t;
  const last = buckets[buckets.length - 1].t;
  const rows: TimelineChartData["rows"] = [];
  const step = Math.max(bucketMs, Math.ceil((last - first) / maxBars / bucketMs) * bucketMs);
  for (let t = first; t <= last; t += step) {
    const b = byT.get(t);
    const row: TimelineChartData["rows"][number] = { t, label: new Date(t).toISOString().slice(11, bucketMs < 1000 ? 23 : 19), total: b?.total ?? 0 };
    for (const c of codes) row[c] = b?.errors[c] ?? 0;
    if (closes) {
      row.targetFin = b?.targetFin || null;
      row.targetRst = b?.targetRst || null;
    }
    rows.push(row);
  }
  return { codes, rows, closes };
}
