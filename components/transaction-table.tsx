import Link from "next/link";
import type { TransactionRow } from "@/lib/explore/schema";
import { fmtMs, fmtTs } from "@/lib/format";
import { classLabel } from "./connection-labels";
import { TableHead } from "./table-head";

/** Transactions (one client request each) with links to their detail, log lines and connection. */
export function TransactionTable({ incidentId, rows }: { incidentId: string; rows: TransactionRow[] }) {
  if (rows.length === 0) return <p className="muted">No transactions match.</p>;
  return (
    <table data-testid="transaction-table">
      <TableHead
        cols={["Start", "Request", "Status", "Error", "Target", "Proxy", "Duration", "Connection"]}
        num={["Status", "Duration"]}
      />
      <tbody>
        {rows.map((t) => (
          <tr key={`${t.fileId}:${t.correlationId}:${t.startTs}`}>
            <td style={{ whiteSpace: "nowrap" }}>{fmtTs(t.startTs).slice(11)}</td>
            <td>
              <Link href={`/incidents/${incidentId}/transactions/${encodeURIComponent(t.correlationId)}`}>
                <code>
                  {t.method} /{t.url}
                </code>
              </Link>
            </td>
            <td className={`num ${t.status !== null && t.status >= 500 ? "bad" : ""}`}>{t.status ?? "—"}</td>
            <td>
              {t.errCode ?? ""}
              {t.errMessage ? <span className="muted"> {t.errMessage}</span> : null}
            </td>
            <td>{t.target ? <code>{t.target}</code> : "—"}</td>
            <td>{t.proxy ?? "—"}</td>
            <td className="num">{fmtMs(t.durationMs)}</td>
            <td>
              {t.connection ? (
                <Link href={`/incidents/${incidentId}/connections/${t.connection.id}`}>
                  {classLabel(t.connection.class)}
                </Link>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
