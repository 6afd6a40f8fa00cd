import Link from "next/link";
import { app } from "@/lib/server/app";
import { parseIncidentSearch, searchIncidents } from "@/lib/incidents/search";
import { fmtRange } from "@/lib/format";
import { UploadPanel } from "@/components/upload-panel";
import { IncidentSearchForm, verdictLabel } from "@/components/incident-search";
import { DeleteIncidentButton } from "@/components/incident-search-delete";
import { UploadLinksPanel } from "@/components/share-upload-links";
import { pageEngineer } from "@/lib/auth/access";
import { TableHead } from "@/components/table-head";

const COLUMNS = ["Title", "Org / env", "Verdict", "Time range", "502s", "Files", "Uploaded", ""];

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HomePage({ searchParams }: Props) {
  const viewer = await pageEngineer("/");
  const { search, error } = parseIncidentSearch(await searchParams);
  const incidents = await searchIncidents(app().db, search);
  const filtered = Object.values(search).some(Boolean);
  return (
    <>
      <UploadPanel />
      <section className="panel" aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        <IncidentSearchForm search={search} error={error} />
        {incidents.length === 0 ? (
          filtered ? (
            <p className="muted">No incident matches these filters.</p>
          ) : (
            <p className="muted">
              No incidents yet. Upload a bundle above: gateway logs, the gateway config and a tcpdump of the
              gateway↔target leg.
            </p>
          )
        ) : (
          <table data-testid="incident-list">
            <TableHead cols={COLUMNS} num={["502s", "Files"]} />
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link href={i.url}>{i.title}</Link>
                    {i.pending && <span className="status parsing"> parsing</span>}
                  </td>
                  <td className="muted">{[i.org, i.env].filter(Boolean).join(" / ") || "—"}</td>
                  <td data-testid="verdict-cell">
                    {verdictLabel(i.verdict)}
                    {i.answered && i.verdict && (
                      <span className="muted" data-testid="answered">
                        {" "}
                        (with your answers)
                      </span>
                    )}
                  </td>
                  <td className="muted">{fmtRange(i.firstTs, i.lastTs)}</td>
                  <td className={`num ${i.status502 ? "bad" : ""}`}>{i.status502}</td>
                  <td className="num">{i.files}</td>
                  <td className="muted">{i.createdAt.slice(0, 16).replace("T", " ")}</td>
                  <td>
                    <DeleteIncidentButton id={i.id} title={i.title} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <UploadLinksPanel openMode={viewer.kind === "open"} />
    </>
  );
}
