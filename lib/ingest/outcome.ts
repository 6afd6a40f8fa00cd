import "server-only";
import type { Db } from "@/lib/db/client";
import type { FileCounts } from "@/lib/api/file-counts";
import { isArchiveKind, isCaptureKind } from "./file-kinds";

export interface FileOutcome {
  failed: boolean;
  /** Shown on the file: why it failed, or what part of it could not be read. */
  note: string | null;
}

/** Capture problems after which the rest of the file cannot be read. */
const STOPPING = new Set(["absurd-length", "bad-block"]);
const MAX_LISTED = 3;

/**
 * Turns a parser's counts into the file's verdict: a file of which nothing at all could be read fails with
 * its first problem (where and why); one that was read only in part is done, with a note saying what was lost.
 */
export async function fileOutcome(
  db: Db,
  file: { id: string; name: string; kind: string },
  counts: FileCounts,
): Promise<FileOutcome> {
  if (file.kind === "gateway-log") {
    const c = counts;
    if (c.lines && c.malformed === c.lines) {
      const first = await db.parseIssue.findFirst({ where: { fileId: file.id }, orderBy: { id: "asc" } });
      const where = first ? `line ${first.lineNo ?? "?"} (byte ${first.byteOffset ?? "?"}): ${first.reason}` : "";
      return { failed: true, note: `No line of this file could be read${where ? `; first problem at ${where}` : ""}.` };
    }
  }
  if (isCaptureKind(file.kind)) {
    const c = counts;
    const stop = c.warnings?.find((w) => STOPPING.has(w.code));
    if (stop) {
      const at = `at byte ${stop.offset}: ${stop.message}`;
      return c.frames
        ? { failed: false, note: `Read ${c.frames} frames, then stopped ${at}.` }
        : { failed: true, note: `Capture unreadable ${at}.` };
    }
  }
  if (isArchiveKind(file.kind)) {
    const { skipped = [], entries = 0, stopped } = counts;
    // The entry that hit an archive-wide limit is listed once, in the sentence naming the archive and the limit.
    const others = stopped ? skipped.filter((s) => s.reason !== stopped.reason) : skipped;
    const notes: string[] = [];
    if (stopped)
      notes.push(
        `Unpacking '${file.name}' stopped after ${entries} ${entries === 1 ? "entry" : "entries"}: ${stopped.reason}.`,
      );
    if (others.length) {
      const listed = others
        .slice(0, MAX_LISTED)
        .map((s) => `'${s.name}' (${s.reason})`)
        .join("; ");
      const more = others.length > MAX_LISTED ? `; and ${others.length - MAX_LISTED} more` : "";
      notes.push(`${others.length} ${others.length === 1 ? "entry" : "entries"} not unpacked: ${listed}${more}.`);
    }
    // Nothing at all came out (a bomb, say): the archive failed.
    if (notes.length) return { failed: entries === 0, note: notes.join(" ") };
  }
  return { failed: false, note: null };
}
