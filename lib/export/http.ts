import "server-only";
import { attachment } from "./filename";

export const CONTENT_TYPE = {
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
} as const;

/** A download: the file name carries the incident title's slug; never cached (the analysis changes with answers). */
export function download(
  body: BodyInit,
  kind: keyof typeof CONTENT_TYPE,
  incident: { id: string; title: string },
  what: string,
): Response {
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[kind],
      "Content-Disposition": attachment(incident.title, incident.id, what),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
