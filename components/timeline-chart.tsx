"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import {
  Bar,
  ComposedChart,
  Brush,
  Line,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Symbols,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { GATEWAY_PROCESS, type RestartMarker, type TimelineChartData } from "@/lib/analysis/chart-data";

const PALETTE = ["#c62828", "#ef6c00", "#6a1b9a", "#283593", "#00838f", "#558b2f", "#8d6e63"];

type Row = TimelineChartData["rows"][number];

/**
 * Target closes from a capture, as markers over the bars: a close that killed a request (the connection explains a
 * 502) is red and a different symbol from the ordinary closes a healthy pool sees all the time.
 */
const CLOSE_SERIES = [
  {
    key: "targetFin",
    name: "target FIN (ordinary)",
    symbol: "circle",
    size: 36,
    fill: "var(--panel)",
    stroke: "var(--muted)",
  },
  {
    key: "targetRst",
    name: "target RST (ordinary)",
    symbol: "diamond",
    size: 36,
    fill: "var(--panel)",
    stroke: "var(--text)",
  },
  {
    key: "killFin",
    name: "target FIN that killed a request",
    symbol: "triangle",
    size: 90,
    fill: "var(--bad)",
    stroke: "var(--bad)",
  },
  {
    key: "killRst",
    name: "target RST that killed a request",
    symbol: "cross",
    size: 90,
    fill: "var(--bad)",
    stroke: "var(--bad)",
  },
] as const;

/** `worker 1 exited · worker 3 started`, `gateway stopped · gateway started`: what happened to the gateway in one bar. */
function markerText(m: RestartMarker): string {
  const who = (ids: string[]) => {
    const workers = ids.filter((id) => id !== GATEWAY_PROCESS);
    return [
      ...(workers.length ? [`worker ${workers.join(", ")}`] : []),
      ...(workers.length < ids.length ? ["gateway"] : []),
    ];
  };
  return [
    ...who(m.exited).map((w) => `${w} ${w === "gateway" ? "stopped" : "exited"}`),
    ...who(m.started).map((w) => `${w} started`),
  ].join(" · ");
}

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

export function TimelineChart({
  data,
  incidentId,
  restarts = [],
}: {
  data: TimelineChartData;
  incidentId?: string;
  /** Bars in which gateway workers exited or started while serving (a worker died, a reload or a stop). */
  restarts?: RestartMarker[];
}) {
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
          <ComposedChart data={data.rows} margin={{ top: 8, right: 16, left: 12, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              minTickGap={24}
              fontSize={12}
              label={{ value: "time (UTC), bucket start", position: "insideBottom", offset: -4, fontSize: 12 }}
              height={40}
            />
            <YAxis
              allowDecimals={false}
              fontSize={12}
              label={{
                value: "5xx responses · target closes",
                angle: -90,
                position: "insideLeft",
                offset: 12,
                fontSize: 12,
                style: { textAnchor: "middle" },
              }}
            />
            <Tooltip />
            <Legend />
            {data.codes.map((c, i) => (
              <Bar
                key={c}
                dataKey={c}
                stackId="errors"
                fill={PALETTE[i % PALETTE.length]}
                name={c}
                isAnimationActive={false}
                cursor={id ? "pointer" : undefined}
                onClick={(d, index) => open((d as { payload?: Row }).payload ?? data.rows[index], c)}
              />
            ))}
            {data.closes &&
              CLOSE_SERIES.map((c) => (
                <Line
                  key={c.key}
                  dataKey={c.key}
                  name={c.name}
                  stroke="none"
                  legendType={c.symbol}
                  isAnimationActive={false}
                  connectNulls={false}
                  dot={(p: { cx?: number; cy?: number; value?: number | null; index?: number }) =>
                    p.value == null || p.cx == null || p.cy == null ? (
                      <g key={`${c.key}-${p.index}`} />
                    ) : (
                      <Symbols
                        key={`${c.key}-${p.index}`}
                        cx={p.cx}
                        cy={p.cy}
                        type={c.symbol}
                        size={c.size}
                        fill={c.fill}
                        stroke={c.stroke}
                      />
                    )
                  }
                  activeDot={false}
                />
              ))}
            {restarts.map((m) => (
              <ReferenceLine
                key={m.label}
                x={m.label}
                stroke="var(--text)"
                strokeDasharray="4 3"
                label={{
                  value: markerText(m),
                  position: "insideTopLeft",
                  fontSize: 11,
                  fill: "var(--text)",
                }}
              />
            ))}
            {data.rows.length > 1 && <Brush dataKey="label" height={20} travellerWidth={8} />}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {id && errorRows.length > 0 && (
        <nav
          aria-label="Bars with 5xx"
          data-testid="timeline-buckets"
          style={{ marginTop: ".4rem", fontSize: ".85rem" }}
        >
          <span className="muted">Bars with 5xx: </span>
          {errorRows.map((r, i) => (
            <span key={r.t}>
              {i > 0 && " · "}
              <Link
                href={bucketHref(id, data, r)}
                title={data.codes
                  .filter((c) => Number(r[c] ?? 0) > 0)
                  .map((c) => `${c} ${r[c]}`)
                  .join(", ")}
              >
                {r.label} ({data.codes.reduce((n, c) => n + Number(r[c] ?? 0), 0)})
              </Link>
            </span>
          ))}
        </nav>
      )}
    </>
  );
}
