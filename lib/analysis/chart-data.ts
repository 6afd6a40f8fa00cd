import type { IncidentView } from "@/lib/api/incident-schema";

export interface TimelineChartData {
  /** Error codes in stacking order (most frequent first). */
  codes: string[];
  rows: Array<{ t: number; label: string; total: number } & Record<string, number | string | null>>;
  /**
   * True when any bucket has target FIN/RST closes from a capture: rows then carry the ordinary closes as
   * `targetFin`/`targetRst` and the closes that killed a request as `killFin`/`killRst` (null when 0).
   */
  closes: boolean;
}

/** Fills empty buckets between the first and last so gaps read as quiet time, not missing bars. */
export function timelineChartData(timeline: IncidentView["timeline"], maxBars = 2000): TimelineChartData {
  const { bucketMs, buckets } = timeline;
  const totals = new Map<string, number>();
  for (const b of buckets)
    for (const [code, n] of Object.entries(b.errors)) totals.set(code, (totals.get(code) ?? 0) + n);
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
    const row: TimelineChartData["rows"][number] = {
      t,
      label: new Date(t).toISOString().slice(11, bucketMs < 1000 ? 23 : 19),
      total: b?.total ?? 0,
    };
    for (const c of codes) row[c] = b?.errors[c] ?? 0;
    if (closes) {
      // Ordinary closes and closes that killed a request are separate series with their own symbols.
      const killFin = b?.killFin ?? 0;
      const killRst = b?.killRst ?? 0;
      row.targetFin = Math.max(0, (b?.targetFin ?? 0) - killFin) || null;
      row.targetRst = Math.max(0, (b?.targetRst ?? 0) - killRst) || null;
      row.killFin = killFin || null;
      row.killRst = killRst || null;
    }
    rows.push(row);
  }
  return { codes, rows, closes };
}

/** The `worker` of a marker event for the gateway process itself (stopped, started again as a new process). */
export const GATEWAY_PROCESS = "gateway";

/** A vertical marker on the timeline: the bar in which gateway workers exited or started while serving, and which. */
export interface RestartMarker {
  label: string;
  exited: string[];
  started: string[];
}

/** The bars of `data` in which each worker exit or start falls; those outside the drawn bars are left out. */
export function restartMarkers(
  data: TimelineChartData,
  events: Array<{ ts: number; worker: string; event: "exit" | "start" }>,
): RestartMarker[] {
  const { rows } = data;
  if (rows.length === 0) return [];
  const step = rows.length > 1 ? rows[1].t - rows[0].t : Infinity;
  const byLabel = new Map<string, RestartMarker>();
  for (const e of events) {
    // A lone bar holds everything from its start on (as its drill-down link does).
    const i = e.ts < rows[0].t ? -1 : Number.isFinite(step) ? Math.floor((e.ts - rows[0].t) / step) : 0;
    const row = rows[i];
    if (!row) continue;
    const m = byLabel.get(row.label) ?? { label: row.label, exited: [], started: [] };
    (e.event === "exit" ? m.exited : m.started).push(e.worker);
    byLabel.set(row.label, m);
  }
  return [...byLabel.values()];
}

/** Fine bins of idle gaps as the aggregate query returns them: bin k holds gaps g with floor(ln(g + 1) * FINE) = k. */
export const IDLE_GAP_FINE = 50;
export interface IdleGapBin {
  bin: number;
  classCode: string;
  n: number;
}
export const fineBinLowMs = (bin: number) => Math.exp(bin / IDLE_GAP_FINE) - 1;
export const fineBinMidMs = (bin: number) => Math.exp((bin + 0.5) / IDLE_GAP_FINE) - 1;

export interface IdleGapHistogram {
  target: string;
  /** "log" when the gaps (and the marked timeouts) span more than a factor of 20. */
  scale: "linear" | "log";
  /** Equal-width bars (in ms, or in log ms), from the data's range widened to show the marks. */
  bars: Array<{
    fromMs: number;
    toMs: number;
    label: string;
    race: number;
    premature: number;
    other: number;
    n: number;
  }>;
  /** Reference lines: the target's idle timer from the capture, the gateway's keep_alive_timeout; `bar` is the label of the bar holding it. */
  marks: Array<{ name: string; ms: number; bar: string }>;
  total: number;
}

const fmtMs = (ms: number) =>
  ms >= 10_000
    ? `${+(ms / 1000).toFixed(0)} s`
    : ms >= 1000
      ? `${+(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${Math.round(ms)} ms`
        : `${+ms.toFixed(1)} ms`;

/**
 * The bars of one target's "last byte → target close" distribution. The bar edges come from the data: its
 * range (widened to show the marks), cut into `maxBars` equal steps, in log ms when the range is wide, so a
 * keep-alive race (every idle close at the same timer) shows as one tall bar and premature closes spread out.
 */
export function idleGapHistogram(
  target: string,
  bins: IdleGapBin[],
  marks: Array<{ name: string; ms: number | null }>,
  maxBars = 30,
): IdleGapHistogram {
  const total = bins.reduce((a, b) => a + b.n, 0);
  const shown = marks.filter((m): m is { name: string; ms: number } => m.ms !== null && m.ms > 0);
  if (total === 0) return { target, scale: "linear", bars: [], marks: [], total };
  const mids = bins.map((b) => fineBinMidMs(b.bin));
  let lo = Math.min(...bins.map((b) => fineBinLowMs(b.bin)), ...shown.map((m) => m.ms));
  const hi = Math.max(...bins.map((b) => fineBinLowMs(b.bin + 1)), ...shown.map((m) => m.ms * 1.02));
  const scale = hi / Math.max(lo, 1) > 20 ? "log" : "linear";
  if (scale === "log") lo = Math.max(lo, 1);
  const to = scale === "log" ? Math.log10 : (x: number) => x;
  const from = scale === "log" ? (x: number) => 10 ** x : (x: number) => x;
  const a = to(lo);
  const b = to(hi);
  const n = maxBars;
  const step = (b - a) / n || 1;
  const bars: IdleGapHistogram["bars"] = Array.from({ length: n }, (_, i) => {
    const fromMs = from(a + i * step);
    const toMs = from(a + (i + 1) * step);
    return { fromMs, toMs, label: `${fmtMs(fromMs)}–${fmtMs(toMs)}`, race: 0, premature: 0, other: 0, n: 0 };
  });
  const barOf = (ms: number) =>
    Math.min(n - 1, Math.max(0, Math.floor((to(Math.max(ms, scale === "log" ? 1 : ms)) - a) / step)));
  bins.forEach((bin, i) => {
    const bar = bars[barOf(mids[i])];
    bar.n += bin.n;
    if (bin.classCode === "keepalive-race") bar.race += bin.n;
    else if (bin.classCode === "premature-close") bar.premature += bin.n;
    else bar.other += bin.n;
  });
  return { target, scale, bars, marks: shown.map((m) => ({ ...m, bar: bars[barOf(m.ms)].label })), total };
}

export interface PathFailures {
  target: string;
  paths: Array<{ path: string; s502: number; s504: number }>;
  otherPaths: number;
  other502: number;
  other504: number;
}

/** The top `topN` paths by 502 + 504 per target, the rest summed so the bars still add up to the target's failures. */
export function failuresByPath(
  rows: Array<{ target: string; path: string; s502: number; s504: number }>,
  topN = 8,
): PathFailures[] {
  const by = new Map<string, Array<{ path: string; s502: number; s504: number }>>();
  for (const r of rows) {
    const list = by.get(r.target) ?? [];
    list.push({ path: r.path, s502: r.s502, s504: r.s504 });
    by.set(r.target, list);
  }
  const total = (p: { s502: number; s504: number }) => p.s502 + p.s504;
  return [...by.entries()]
    .map(([target, list]) => {
      list.sort((x, y) => total(y) - total(x) || (x.path < y.path ? -1 : 1));
      const rest = list.slice(topN);
      return {
        target,
        paths: list.slice(0, topN),
        otherPaths: rest.length,
        other502: rest.reduce((a, p) => a + p.s502, 0),
        other504: rest.reduce((a, p) => a + p.s504, 0),
      };
    })
    .sort(
      (x, y) =>
        y.paths.reduce((a, p) => a + total(p), 0) - x.paths.reduce((a, p) => a + total(p), 0) ||
        (x.target < y.target ? -1 : 1),
    );
}
