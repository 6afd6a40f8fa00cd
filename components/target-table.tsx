"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Fragment, useState } from "react";
import type { IncidentView } from "@/lib/api/incident-schema";
import { fmtMs, fmtPct } from "@/lib/format";

type Row = IncidentView["targets"][number];
type Key = "target" | "proxy" | "requests" | "errors502" | "errorRate" | "p50Ms" | "p95Ms";
const COLS: Array<{ key: Key; label: string; num?: boolean }> = [
  { key: "target", label: "Target" },
  { key: "proxy", label: "Proxy" },
  { key: "requests", label: "Requests", num: true },
  { key: "errors502", label: "502s", num: true },
  { key: "errorRate", label: "Error rate", num: true },
  { key: "p50Ms", label: "p50", num: true },
  { key: "p95Ms", label: "p95", num: true },
];
/** The explorer pages a target's row links to (connections only where the capture saw some). */
const DRILL_DOWN = [
  { page: "transactions", label: "Transactions to", text: "transactions" },
  { page: "logs", label: "Log lines of", text: "lines" },
  { page: "connections", label: "TCP connections to", text: "connections" },
];

export function TargetTable({ rows, incidentId }: { rows: Row[]; incidentId?: string }) {
  const fromPath = /^\/incidents\/([^/]+)/.exec(usePathname() ?? "")?.[1];
  const id = incidentId ?? fromPath;
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: "errors502", desc: true });
  if (rows.length === 0) return <p className="muted">No target-side log lines yet.</p>;
  const sorted = [...rows].sort((a, b) => {
    const x = a[sort.key] ?? -Infinity;
    const y = b[sort.key] ?? -Infinity;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return sort.desc ? -c : c;
  });
  return (
    <table data-testid="target-table">
      <thead>
        <tr>
          {COLS.map((c) => (
            <th
              key={c.key}
              className={c.num ? "num" : ""}
              aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : "none"}
            >
              <button
                type="button"
                onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : true })}
              >
                {c.label} {sort.key === c.key ? (sort.desc ? "▼" : "▲") : ""}
              </button>
            </th>
          ))}
          <th>Error codes</th>
          {id && <th>Drill down</th>}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.target}>
            <td>
              {id ? (
                <Link href={`/incidents/${id}/transactions?target=${encodeURIComponent(r.target)}`}>
                  <code>{r.target}</code>
                </Link>
              ) : (
                <code>{r.target}</code>
              )}
            </td>
            <td>{r.proxy ?? "—"}</td>
            <td className="num">{r.requests ?? "hidden by log level"}</td>
            <td className={`num ${r.errors502 ? "bad" : ""}`}>{r.errors502}</td>
            <td className="num">{fmtPct(r.errorRate)}</td>
            <td className="num">{fmtMs(r.p50Ms)}</td>
            <td className="num">{fmtMs(r.p95Ms)}</td>
            <td>
              {Object.entries(r.errorCodes)
                .map(([c, n]) => `${c} × ${n}`)
                .join(", ") || "—"}
            </td>
            {id && (
              <td style={{ whiteSpace: "nowrap" }}>
                {DRILL_DOWN.filter((d) => d.page !== "connections" || r.connections.total > 0).map((d, i) => (
                  <Fragment key={d.page}>
                    {i > 0 && " · "}
                    <Link
                      href={`/incidents/${id}/${d.page}?target=${encodeURIComponent(r.target)}`}
                      aria-label={`${d.label} ${r.target}`}
                    >
                      {d.text}
                    </Link>
                  </Fragment>
                ))}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
