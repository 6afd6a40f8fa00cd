"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PathFailures } from "@/lib/analysis/chart-data";

/** 502s and 504s by request path, per target: a premature close often lives on one endpoint. */
export function PathCharts({ data, hasLog }: { data: PathFailures[]; hasLog: boolean }) {
  if (!hasLog)
    return (
      <p className="empty" data-testid="path-empty">
        No gateway log parsed: add the microgateway log to see which paths fail.
      </p>
    );
  if (data.length === 0)
    return (
      <p className="empty" data-testid="path-empty">
        No 502 or 504 in the logs.
      </p>
    );
  return (
    <div className="chart-grid">
      {data.map((t) => {
        const rows = [
          ...t.paths,
          ...(t.otherPaths > 0 ? [{ path: `${t.otherPaths} other paths`, s502: t.other502, s504: t.other504 }] : []),
        ];
        return (
          <figure
            key={t.target}
            className="chart"
            data-testid="path-chart"
            data-target={t.target}
            data-paths={JSON.stringify(rows)}
          >
            <figcaption>
              <code>{t.target}</code> <span className="muted">· failures by path (query string removed)</span>
            </figcaption>
            <div style={{ width: "100%", height: 40 + rows.length * 26 }}>
              <ResponsiveContainer>
                <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 14 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis
                    type="number"
                    allowDecimals={false}
                    fontSize={11}
                    label={{ value: "failed requests", position: "insideBottom", offset: -8, fontSize: 11 }}
                  />
                  <YAxis type="category" dataKey="path" width={150} fontSize={11} />
                  <Tooltip />
                  <Legend verticalAlign="top" height={18} wrapperStyle={{ fontSize: 11 }} />
                  <Bar dataKey="s502" name="502" stackId="s" fill="var(--bad)" isAnimationActive={false} />
                  <Bar dataKey="s504" name="504" stackId="s" fill="var(--warn)" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
        );
      })}
    </div>
  );
}
