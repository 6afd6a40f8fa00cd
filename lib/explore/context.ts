import "server-only";
/** A line in context: the physical lines around it in the stored (redacted) file, blank and stack lines included. */
import { open } from "node:fs/promises";
import type { Db } from "@/lib/db/client";
import type { BlobStore } from "@/lib/ingest/blobs";
import { MAX_SHOWN_BYTES } from "./blob-reader";
import { rowAtOrBefore } from "./filter";
import { maskLine } from "./mask";
import type { ViewOptions } from "./query";
import { dataDirOf, ensureColumns, lineIndexPath, loadLineIndex, readRowValues } from "./line-index-file";
import type { ContextQuery, LineContext } from "./schema";
import type { FileKind, FileStatus } from "@/lib/ingest/file-kinds";

const CHUNK = 64 * 1024;

/** The physical lines `around` a line (`line`, 1-based) of one stored log (`file`) of the incident. */
export async function lineContext(
  db: Db,
  store: BlobStore,
  incidentId: string,
  { file: fileId, line: lineNo, around }: ContextQuery,
  opts: ViewOptions = {},
): Promise<LineContext | null> {
  const file = await db.bundleFile.findFirst({
    where: { id: fileId, incidentId, kind: "gateway-log" satisfies FileKind, status: "done" satisfies FileStatus },
    select: { id: true, name: true },
  });
  if (!file) return null;
  const ix = await loadLineIndex(lineIndexPath(dataDirOf(store), fileId));
  if (!ix) return null;
  const first = Math.max(1, lineNo - around);
  const last = lineNo + around;
  // Start at the nearest indexed line at or before `first`, then count physical lines from there.
  await ensureColumns(ix, ["lineNo"]);
  const r = rowAtOrBefore(ix, first);
  let offset = r === -1 ? 0 : (await readRowValues(ix, ["offset"], [r]))[0].offset;
  let at = r === -1 ? 1 : ix.cols.lineNo![r];
  const out: LineContext["lines"] = [];
  const fh = await open(store.pathOf(ix.meta.blobSha256), "r");
  try {
    let carry = Buffer.alloc(0);
    let atEnd = false;
    const buf = Buffer.allocUnsafe(CHUNK);
    while (at <= last) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
      offset += bytesRead;
      let data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      if (bytesRead === 0) {
        atEnd = true;
        if (data.length === 0) break;
        data = Buffer.concat([data, Buffer.from("\n")]);
      }
      let s = 0;
      for (let nl = data.indexOf(10, s); nl !== -1 && at <= last; nl = data.indexOf(10, s)) {
        if (at >= first) {
          let e = nl > s && data[nl - 1] === 13 ? nl - 1 : nl;
          if (e - s > MAX_SHOWN_BYTES) e = s + MAX_SHOWN_BYTES;
          const text = data.toString("utf8", s, e);
          out.push({ lineNo: at, text: opts.maskClientIds ? maskLine(text) : text });
        }
        at++;
        s = nl + 1;
      }
      // A very long line: keep only its shown head while looking for its end.
      carry = Buffer.from(data.subarray(s, Math.min(data.length, s + MAX_SHOWN_BYTES + 2)));
      if (atEnd) break;
    }
    return { fileId: file.id, file: file.name, lineNo, lines: out, atEnd: at <= last };
  } finally {
    await fh.close();
  }
}
