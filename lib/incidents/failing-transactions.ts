/** The incident view's queries over a log's failing transactions, per target (the partial index on them serves both). */
import "server-only";
import type { Db } from "@/lib/db/client";
import { KEYED_BY_MESSAGE, targetCodeKey } from "@/lib/analysis/log-aggregates";
import { EDGE_SLACK_MS, type Window } from "@/lib/analysis/capture-window";

/**
 * Per target, its 502 / 504s that no capture recorded from their request to their log line (the clock offset
 * applied), by error code as the target's `errorCodes` key them ("none": no code, as the target's own answers): a
 * failure at a capture's edge counts, as its request or its close may lie outside (blind lab world random-210 with
 * its capture started at a failure's log line: the hang-up's request and close were both before).
 */
export async function failuresOutside(db: Db, incidentId: string, logIds: string[], ws: Window[]) {
  const rows = await db.$queryRaw<
    Array<{ target: string | null; code: string | null; message: string | null; n: bigint }>
  >`
    SELECT target, "errCode" code, CASE WHEN "errCode" = ANY(${KEYED_BY_MESSAGE}::text[]) THEN "errMessage" END message, count(*) n
    FROM "LogTransaction" t
    WHERE "incidentId" = ${incidentId} AND status IN (502, 504) AND "fileId" = ANY(${logIds}::text[])
      AND NOT EXISTS (SELECT 1 FROM unnest(${ws.map((w) => w.start)}::float8[], ${ws.map((w) => w.end)}::float8[]) w(s, e)
        WHERE extract(epoch from t."endTs") * 1000 <= w.e + ${EDGE_SLACK_MS}
          AND least(extract(epoch from t."startTs") * 1000, extract(epoch from t."endTs") * 1000 - coalesce(t."durationMs", 0))
            >= w.s - ${EDGE_SLACK_MS})
    GROUP BY 1, 2, 3`;
  const byTarget = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (r.target === null) continue;
    const codes = byTarget.get(r.target) ?? {};
    const key = r.code ? targetCodeKey(r.code, r.message) : "none";
    codes[key] = (codes[key] ?? 0) + Number(r.n);
    byTarget.set(r.target, codes);
  }
  return byTarget;
}

/**
 * Per target, the log's responses cut short (the target's `aborted` error, not a 504) by how long their transaction
 * lasted, in 100 ms steps: the gateway's own timeout cuts an answer no sooner than it (cut-responses.ts).
 */
export async function abortedDurations(db: Db, incidentId: string, logIds: string[]) {
  const rows = await db.$queryRaw<Array<{ target: string; step: number; n: bigint }>>`
    SELECT target, (floor("durationMs" / 100) * 100)::int step, count(*) n
    FROM "LogTransaction"
    WHERE "incidentId" = ${incidentId} AND "errCode" IS NOT NULL AND "errMessage" = 'aborted'
      AND status IS DISTINCT FROM 504 AND "durationMs" IS NOT NULL AND target IS NOT NULL
      AND "fileId" = ANY(${logIds}::text[])
    GROUP BY 1, 2`;
  const byTarget = new Map<string, Record<string, number>>();
  for (const r of rows) byTarget.set(r.target, { ...byTarget.get(r.target), [r.step]: Number(r.n) });
  return byTarget;
}
