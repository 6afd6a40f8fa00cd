/** Read side of the incident page's evidence charts: typed aggregates, shaped by the pure functions in chart-data.ts. */
import "server-only";
import type { Db } from "@/lib/db/client";
import { CAPTURE_KINDS } from "@/lib/ingest/file-kinds";
import { KeyedMemo } from "@/lib/server/keyed-memo";
import {
  IDLE_GAP_FINE,
  failuresByPath,
  idleGapHistogram,
  type IdleGapBin,
  type IdleGapHistogram,
  type PathFailures,
} from "@/lib/analysis/chart-data";

/**
 * Per target, the "target's last byte → its close" gaps of the connections the target closed, counted in fine
 * log bins (2 % wide) by class: one aggregate row per (target, bin, class) however many connections there are.
 */
export async function idleGapBins(db: Db, incidentId: string): Promise<Map<string, IdleGapBin[]>> {
  const rows = await db.$queryRaw<Array<{ target: string; bin: number; classCode: string; n: bigint }>>`
    SELECT c.target, floor(ln(greatest(c."idleGapMs", 0) + 1) * ${IDLE_GAP_FINE})::int bin, c."classCode", count(*) n
    FROM "TcpConnection" c JOIN "BundleFile" f ON f.id = c."fileId" AND f.status = 'done' AND f.kind = ANY(${CAPTURE_KINDS}::text[])
    WHERE c."incidentId" = ${incidentId} AND c.closer = 'target' AND c."idleGapMs" IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2`;
  const out = new Map<string, IdleGapBin[]>();
  for (const r of rows) {
    const list = out.get(r.target) ?? [];
    list.push({ bin: Number(r.bin), classCode: r.classCode, n: Number(r.n) });
    out.set(r.target, list);
  }
  return out;
}

/** One histogram per target that closed connections, marked with its idle timer and the gateway's keep_alive_timeout. */
export async function idleGapCharts(
  db: Db,
  incidentId: string,
  marks: { timerMs: (target: string) => number | null; gatewayKeepAliveMs: number | null },
): Promise<IdleGapHistogram[]> {
  const bins = await idleGapBins(db, incidentId);
  return [...bins.entries()].map(([target, b]) =>
    idleGapHistogram(target, b, [
      { name: "target idle timer (capture)", ms: marks.timerMs(target) },
      { name: "gateway keep_alive_timeout", ms: marks.gatewayKeepAliveMs },
    ]),
  );
}

/** One per process: the app's pages and route handlers load their own copies of this module. */
const pathMemo: KeyedMemo<PathFailures[]> = KeyedMemo.shared("failurePaths", 100);

/**
 * 502 and 504 transactions of the parsed logs by target and request path (query string cut off; the log writes a
 * URL without its first `/`, so it is put back), the top `topN` paths per target and the rest summed, both in the
 * database: paths that carry ids make a log's failures thousands of paths, and only the top ones are drawn.
 */
export async function failurePaths(db: Db, incidentId: string, topN = 8): Promise<PathFailures[]> {
  // The answer is the parsed files' alone, so it is kept per incident under the files it was read from: grouping a
  // log's failures by path is most of a big incident's page (1 M-line log, 14k failing paths: 75–180 ms a view, #18).
  const done = await db.bundleFile.findMany({
    where: { incidentId, status: "done" },
    select: { id: true, updatedAt: true },
    orderBy: { id: "asc" },
  });
  // A file parsed again is done at a later time: its rows then have another key.
  const key = `${topN} ${done.map((f) => `${f.id}@${f.updatedAt.getTime()}`).join(" ")}`;
  return pathMemo.get(incidentId, key, () => readFailurePaths(db, incidentId, topN));
}

async function readFailurePaths(db: Db, incidentId: string, topN: number): Promise<PathFailures[]> {
  const rows = await db.$queryRaw<
    Array<{ target: string; path: string | null; paths: bigint; s502: bigint; s504: bigint }>
  >`
    WITH by_path AS (
      SELECT coalesce(nullif(t.target, ''), '(no target)') COLLATE "C" target, '/' || split_part(t.url, '?', 1) COLLATE "C" path,
        count(*) FILTER (WHERE t.status = 502) s502, count(*) FILTER (WHERE t.status = 504) s504
      FROM "LogTransaction" t JOIN "BundleFile" f ON f.id = t."fileId" AND f.status = 'done'
      WHERE t."incidentId" = ${incidentId} AND t.status IN (502, 504)
      GROUP BY 1, 2),
    ranked AS (
      SELECT *, row_number() OVER (PARTITION BY target ORDER BY s502 + s504 DESC, path) rank FROM by_path)
    SELECT target, CASE WHEN rank <= ${topN} THEN path END path, count(*) paths, sum(s502) s502, sum(s504) s504
    FROM ranked GROUP BY 1, 2`;
  const top = rows.filter((r) => r.path !== null);
  const shaped = failuresByPath(
    top.map((r) => ({ target: r.target, path: r.path!, s502: Number(r.s502), s504: Number(r.s504) })),
    topN,
  );
  for (const rest of rows.filter((r) => r.path === null)) {
    // every target with failures has a first path, so it is in `shaped`
    const p = shaped.find((x) => x.target === rest.target);
    if (p)
      Object.assign(p, { otherPaths: Number(rest.paths), other502: Number(rest.s502), other504: Number(rest.s504) });
  }
  return shaped;
}
