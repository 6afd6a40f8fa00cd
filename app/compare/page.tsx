import Link from "next/link";
import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { getIncidentView } from "@/lib/incidents/view";
import { compareCandidates } from "@/lib/export/compare-candidates";
import { pageEngineer, pageIncidentAccess } from "@/lib/auth/access";
import { compareIncidents } from "@/lib/export/compare";
import { CompareView } from "@/components/compare-view";
import { CompareChooser } from "@/components/compare-picker";

type Search = Promise<{ a?: string | string[]; b?: string | string[] }>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

/** `/compare?a=ID&b=ID`: two incidents side by side, e.g. before and after a keep-alive fix. */
export default async function ComparePage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const [a, b] = [one(sp.a), one(sp.b)];
  if (!a || !b) {
    await pageEngineer("/compare");
    const incidents = await compareCandidates(app().db);
    return (
      <section className="panel" aria-labelledby="cmp-h">
        <h1 id="cmp-h" style={{ fontSize: "1.3rem", marginTop: 0 }}>
          Compare two incidents
        </h1>
        <p className="muted">
          Put a bundle from before a fix next to one from after it: verdict, 502 rate per target, inferred timeouts and
          keep-alive config.
        </p>
        {incidents.length < 2 ? (
          <p>Upload at least two bundles to compare them.</p>
        ) : (
          <CompareChooser incidents={incidents} a={a} b={b} />
        )}
      </section>
    );
  }
  await pageIncidentAccess(a);
  await pageIncidentAccess(b);
  const { db } = app();
  const [va, vb] = await Promise.all([getIncidentView(db, a), getIncidentView(db, b)]);
  if (!va || !vb) notFound();
  const c = compareIncidents(va, vb);
  return (
    <>
      <div className="title-row" style={{ marginBottom: ".8rem", flexWrap: "wrap" }}>
        <h1 data-testid="compare-title">
          Compare: {va.title} → {vb.title}
        </h1>
        <Link href={`/compare?a=${encodeURIComponent(b)}&b=${encodeURIComponent(a)}`} data-testid="compare-swap">
          Swap before / after
        </Link>
      </div>
      {(va.pending || vb.pending) && (
        <p className="note">Some files are still parsing; reload for the final numbers.</p>
      )}
      <CompareView c={c} />
    </>
  );
}
