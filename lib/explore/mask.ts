import "server-only";
/** Shared views (read-only links) never show a client's API key: the CLIENT_ID field of event lines is masked. */
import { maskClientIdField } from "@/lib/export/log-lines";
import { hasDatePrefix, parseTimestampedLine } from "@/lib/parsers/log/line";

/** Masks the client id of one raw line; `correlationId` when already known (else the line is parsed). */
export function maskLine(text: string, correlationId?: string): string {
  let cid = correlationId;
  if (cid === undefined) {
    if (!hasDatePrefix(text)) return text;
    const it = parseTimestampedLine(text, 0, 0, 0);
    if (it.kind !== "event") return text;
    cid = it.correlationId;
  }
  // Without a correlation id the field cannot be found safely (the anchor would be an empty `[]`).
  return cid ? maskClientIdField(text, cid) : text;
}
