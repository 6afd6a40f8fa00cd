import { NextResponse } from "next/server";
import { app } from "@/lib/server/app";
import { createIncident } from "@/lib/ingest/bundle";
import { receiveUpload } from "@/lib/ingest/upload";
import { listIncidents, incidentUrl } from "@/lib/incidents/view";
import { route } from "@/lib/api/route";
import { IncidentSearch, searchIncidents } from "@/lib/incidents/search";
import { requestOrigin } from "@/lib/auth/origin";

// `gate`: proxy.ts leaves this path out (upload bodies), so the wrapper runs the same host / origin gate.

/** Newest first; `?q=&org=&env=&target=&verdict=&from=YYYY-MM-DD&to=YYYY-MM-DD` filters (then each item also has org, env, verdict). */
export const GET = route({ access: "edit", gate: true, query: IncidentSearch }, async ({ query }) => {
  const { db } = app();
  const filtered = Object.values(query).some((v) => v !== undefined);
  return NextResponse.json({ incidents: filtered ? await searchIncidents(db, query) : await listIncidents(db) });
});

/** `curl -F file=@bundle.tgz http://localhost:3000/api/incidents` (no `body` spec: receiveUpload streams it). */
export const POST = route({ access: "edit", gate: true }, async ({ req }) => {
  const { db, store, env } = app();
  const files = await receiveUpload(req, store, env.MAX_UPLOAD_BYTES);
  const incident = await createIncident(db, store, files);
  const rows = await db.bundleFile.findMany({
    where: { incidentId: incident.id },
    select: { name: true, kind: true, status: true },
  });
  const url = `${requestOrigin(req)}${incidentUrl(incident.id)}`;
  return NextResponse.json({ id: incident.id, url, files: rows }, { status: 201 });
});
