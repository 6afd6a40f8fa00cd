"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { Bar, ComposedChart, Brush, Line, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TimelineChartData } from "@/lib/analysis/chart-data";

const PALETTE = ["#c62828", "#ef6c00", "#6a1b9a", "#283593", "#00838f", "#558b2f", "#8d6e63"];

type Row = TimelineChartData["rows"][number];

/** The drill-down link of one bar (or one error code's part of it): that bucket's 5xx transactions. */
export function bucketHref(incidentId: string, data: TimelineChartData, row: Row, code?: string): string {
  const i = data.rows.indexOf(row);
  const step = data.rows.length > 1 ? data.rows[1].t - data.rows[0].t : null;
  const u = new URLSearchParams({ from: String(row.t) });
  // A lone bar has no width we know of: it holds every transaction from its start on.
  if (step !== null && i >= 0) u.set("to", String(row.t + step));
  u.set("minStatus", "500");
  if (code) u.set("errCode", code);
  return `/incidents/${incidentId}/transactions?${u}`;
}

export function TimelineChart({ data, incidentId }: { data: TimelineChartData; incidentId?: string }) {
  const router = useRouter();
  const fromPath = /^\/incidents\/([^/]+)/.exec(usePathname() ?? "")?.[1];
  const id = incidentId ?? fromPath;
  if (data.rows.length === 0) return <p className="muted">No 5xx transactions in the logs.</p>;
  const errorRows = data.rows.filter((r) => data.codes.some((c) => Number(r[c] ?? 0) > 0));
  const open = (row: Row | undefined, code?: string) => {
    if (id && row) router.push(bucketHref(id, data, row, code));
  };
  return (
    <>
      <div style={{ width: "100%", height: 300 }} data-testid="timeline-chart">
        <ResponsiveContainer>
          <ComposedChart data={data.rows} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" minTickGap={24} fontSize={12} />
            <YAxis allowDecimals={false} fontSize={12} />
            <Tooltip />
            <Legend />
            {data.codes.map((c, i) => (
              <Bar key={c} dataKey={c} stackId="errors" fill={PALETTE[i % PALETTE.length]} name={c} isAnimationActive={false}
                cursor={id ? "pointer" : undefined}
                onClick={(d, index) => open((d as { payload?: Row }).payload ?? data.rows[index], c)} />
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
      {id && errorRows.length > 0 && (
        <nav aria-label="Bars with 5xx" data-testid="timeline-buckets" style={{ marginTop: ".4rem", fontSize: ".85rem" }}>
          <span className="muted">Bars with 5xx: </span>
          {errorRows.map((r, i) => (
            <span key={r.t}>
              {i > 0 && " · "}
              <Link href={bucketHref(id, data, r)} title={data.codes.filter((c) => Number(r[c] ?? 0) > 0).map((c) => `${c} ${r[c]}`).join(", ")}>
                {r.label} ({data.codes.reduce((n, c) => n + Number(r[c] ?? 0), 0)})
              </Link>
            </span>
          ))}
        </nav>
      )}
    </>
  );
}
