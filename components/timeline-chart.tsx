"use client";

import { Bar, ComposedChart, Brush, Line, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TimelineChartData } from "@/lib/analysis/chart-data";

const PALETTE = ["#c62828", "#ef6c00", "#6a1b9a", "#283593", "#00838f", "#558b2f", "#8d6e63"];

export function TimelineChart({ data }: { data: TimelineChartData }) {
  if (data.rows.length === 0) return <p className="muted">No 5xx transactions in the logs.</p>;
  return (
    <div style={{ width: "100%", height: 300 }} data-testid="timeline-chart">
      <ResponsiveContainer>
        <ComposedChart data={data.rows} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" minTickGap={24} fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          {data.codes.map((c, i) => (
            <Bar key={c} dataKey={c} stackId="errors" fill={PALETTE[i % PALETTE.length]} name={c} isAnimationActive={false} />
          ))}
          {data.closes && (
            <Line dataKey="targetFin" name="target FIN (capture)" stroke="none" dot={{ r: 4, fill: "#e65100" }} legendType="circle" isAnimationActive={false} connectNulls={false} />
          )}
          {data.closes && (
            <Line dataKey="targetRst" name="target RST (capture)" stroke="none" dot={{ r: 4, fill: "#000" }} legendType="diamond" isAnimationActive={false} connectNulls={false} />
          )}
          {data.rows.length > 1 && <Brush dataKey="label" height={20} travellerWidth={8} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
