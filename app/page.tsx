import Link from "next/link";
import { app } from "@/lib/server/app";
import { listIncidents } from "@/lib/analysis/incident-view";
import { fmtRange } from "@/lib/format";
import { UploadPanel } from "@/components/upload-panel";
import { pageEngineer } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  await pageEngineer("/");
  const incidents = await listIncidents(app().db);
  return (
    <>
      <UploadPanel />
      <section className="panel" aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        {incidents.length === 0 ? (
          <p className="muted">No incidents yet. Upload a bundle above: gateway logs, the gateway config and a tcpdump of the gateway↔target leg.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Title</th><th>Time range</th><th className="num">502s</th><th className="num">Files</th><th>Uploaded</th></tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id}>
                  <td><Link href={i.url}>{i.title}</Link>{i.pending && <span className="status parsing"> parsing</span>}</td>
                  <td className="muted">{fmtRange(i.firstTs, i.lastTs)}</td>
                  <td className={`num ${i.status502 ? "bad" : ""}`}>{i.status502}</td>
                  <td className="num">{i.files}</td>
                  <td className="muted">{i.createdAt.slice(0, 16).replace("T", " ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
