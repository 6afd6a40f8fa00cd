import Link from "next/link";
import type { ExploreLine } from "@/lib/explore/schema";

const mono: React.CSSProperties = {
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
  fontSize: ".78rem",
  whiteSpace: "pre-wrap",
  wordBreak: "break-all",
};

export const contextHref = (incidentId: string, fileId: string, lineNo: number) =>
  `/incidents/${incidentId}/logs/${fileId}?line=${lineNo}#L${lineNo}`;

/** Raw log lines with their file and line number; each opens the line in context. */
export function LogLines({
  incidentId,
  lines,
  showFile = true,
  showTransaction = true,
}: {
  incidentId: string;
  lines: ExploreLine[];
  showFile?: boolean;
  showTransaction?: boolean;
}) {
  if (lines.length === 0)
    return (
      <p className="muted" data-testid="log-lines-empty">
        No lines match.
      </p>
    );
  return (
    <table data-testid="log-lines">
      <thead>
        <tr>
          <th>{showFile ? "File:line" : "Line"}</th>
          <th>Log line (as stored, secrets redacted)</th>
          {showTransaction && <th>Transaction</th>}
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={`${l.fileId}:${l.lineNo}`} data-line-no={l.lineNo} data-level={l.level} data-kind={l.kind}>
            <td style={{ whiteSpace: "nowrap" }}>
              <Link
                href={contextHref(incidentId, l.fileId, l.lineNo)}
                aria-label={`Line ${l.lineNo} of ${l.file} in context`}
                title={l.file}
              >
                {showFile ? `${shortName(l.file)}:${l.lineNo}` : l.lineNo}
              </Link>
            </td>
            <td
              style={mono}
              className={l.level === "error" || l.kind === "malformed" ? "bad" : l.level === "warn" ? "warn" : ""}
            >
              {l.text}
              {l.truncated && <span className="muted"> … ({l.bytes} bytes)</span>}
              {l.kind === "malformed" && <span className="muted"> (not a valid log line)</span>}
            </td>
            {showTransaction && (
              <td style={{ whiteSpace: "nowrap" }}>
                {l.correlationId ? (
                  <Link
                    href={`/incidents/${incidentId}/transactions/${encodeURIComponent(l.correlationId)}`}
                    aria-label={`Transaction ${l.correlationId}`}
                  >
                    {l.correlationId.slice(0, 8)}
                  </Link>
                ) : (
                  ""
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Gateway log names are long (edgemicro-HOST-UUID-N-api.log): keep the host and rotation. */
function shortName(name: string): string {
  const m = /^edgemicro-(.+?)-[0-9a-f]{8}-[0-9a-f-]{27}-(\d+)-api\.log$/.exec(name);
  return m ? `${m[1]}…-${m[2]}-api.log` : name;
}
