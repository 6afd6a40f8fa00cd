"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { IdleGapHistogram } from "@/lib/analysis/chart-data";

const MARK_COLOR = ["var(--bad)", "var(--accent)"];

/** Per target: how long after its last byte the target closed; a race is one spike at the idle timer, premature closes scatter. */
export function IdleGapCharts({ charts, hasCapture }: { charts: IdleGapHistogram[]; hasCapture: boolean }) {
  if (!hasCapture)
    return (
      <p className="empty" data-testid="idle-gap-empty">
        No capture in this bundle: add a tcpdump of the gateway → target leg to see when the target closes connections.
      </p>
    );
  if (charts.length === 0)
    return (
      <p className="empty" data-testid="idle-gap-empty">
        The target never closed a connection in the capture: no idle timer to show.
      </p>
    );
  return (
    <div className="chart-grid">
      {charts.map((h) => (
        <IdleGapChart key={h.target} h={h} />
      ))}
    </div>
  );
}

function IdleGapChart({ h }: { h: IdleGapHistogram }) {
  const tallest = h.bars.reduce((a, b) => (b.n > a.n ? b : a), h.bars[0]);
  // What the end-to-end tests read off the chart, as attributes of the figure.
  const readable = {
    "data-target": h.target,
    "data-scale": h.scale,
    "data-counts": JSON.stringify(h.bars.map((b) => b.n)),
    "data-race-counts": JSON.stringify(h.bars.map((b) => b.race)),
    "data-tallest": tallest?.label,
    "data-marks": JSON.stringify(h.marks),
  };
  return (
    <figure className="chart" data-testid="idle-gap-chart" {...readable}>
      <figcaption>
        <code>{h.target}</code>{" "}
        <span className="muted">
          · {h.total} closes by the target · {h.scale === "log" ? "log" : "linear"} time axis
        </span>
      </figcaption>
      <div style={{ width: "100%", height: 220 }}>
        <ResponsiveContainer>
          <BarChart data={h.bars} margin={{ top: 18, right: 12, left: 0, bottom: 18 }} barCategoryGap={1}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              fontSize={11}
              interval="preserveStartEnd"
              minTickGap={30}
              label={{
                value: "time from the target's last byte to its close",
                position: "insideBottom",
                offset: -12,
                fontSize: 11,
              }}
            />
            <YAxis
              allowDecimals={false}
              fontSize={11}
              width={36}
              label={{ value: "closes", angle: -90, position: "insideLeft", offset: 10, fontSize: 11 }}
            />
            <Tooltip />
            <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="race" name="keep-alive race" stackId="c" fill="var(--bad)" isAnimationActive={false} />
            <Bar dataKey="premature" name="premature close" stackId="c" fill="var(--warn)" isAnimationActive={false} />
            <Bar
              dataKey="other"
              name="idle close (no request lost)"
              stackId="c"
              fill="var(--muted)"
              isAnimationActive={false}
            />
            {h.marks.map((m, i) => (
              <ReferenceLine
                key={m.name}
                x={m.bar}
                stroke={MARK_COLOR[i % MARK_COLOR.length]}
                strokeDasharray="4 3"
                strokeWidth={2}
                label={{
                  value: `${m.name} ${fmt(m.ms)}`,
                  position: i === 0 ? "insideTopLeft" : "insideTopRight",
                  fontSize: 11,
                  fill: "var(--text)",
                }}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

const fmt = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
