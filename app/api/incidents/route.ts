import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { createIncident } from "@/lib/ingest/bundle";
import { receiveUpload } from "@/lib/ingest/upload";
import { listIncidents, incidentUrl } from "@/lib/incidents/view";
import { handleApiError } from "@/lib/api/errors";
import { requireEngineer } from "@/lib/auth/access";
import { IncidentSearch, searchIncidents } from "@/lib/incidents/search";
import { requestRefusal } from "@/lib/auth/request-guard";
import { requestOrigin } from "@/lib/auth/origin";

export const dynamic = "force-dynamic";

/** Newest first; `?q=&org=&env=&target=&verdict=&from=YYYY-MM-DD&to=YYYY-MM-DD` filters (then each item also has org, env, verdict). */
export async function GET(req: Request) {
  // proxy.ts leaves this path out (upload bodies): the same host / origin gate, here.
  const refused = requestRefusal(req);
  if (refused) return refused;
  try {
    await requireEngineer();
    const params = [...new URL(req.url).searchParams.entries()].filter(([, v]) => v.trim() !== "");
    if (params.length) return NextResponse.json({ incidents: await searchIncidents(app().db, IncidentSearch.parse(Object.fromEntries(params))) });
    return NextResponse.json({ incidents: await listIncidents(app().db) });
  } catch (e) {
    return handleApiError(e);
  }
}

/** `curl -F file=@bundle.tgz http://localhost:3000/api/incidents` */
export async function POST(request: Request) {
  const refused = requestRefusal(request);
  if (refused) return refused;
  try {
    await requireEngineer();
    const { db, store, env } = app();
    const files = await receiveUpload(request, store, env.MAX_UPLOAD_BYTES);
    const incident = await createIncident(db, store, files);
    const rows = await db.bundleFile.findMany({ where: { incidentId: incident.id }, select: { name: true, kind: true, status: true } });
    const url = `${requestOrigin(request)}${incidentUrl(incident.id)}`;
    return NextResponse.json({ id: incident.id, url, files: rows }, { status: 201 });
  } catch (e) {
    return handleApiError(e);
  }
}
